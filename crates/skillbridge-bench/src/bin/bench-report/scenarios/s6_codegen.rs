//! Scenario 6: codegen.

use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use crate::effort::Effort;

use crate::render::{Report, ms};
use crate::stats::Timing;
use crate::workspace::{cargo, target_profile_dir, workspace_root};

type Error = Box<dyn std::error::Error>;

fn time_command(runs: usize, program: &str, args: &[&str], root: &Path) -> Result<(Timing, Duration, bool), Error> {
    let mut samples = Vec::with_capacity(runs);
    let mut fresh = true;
    // One unmeasured run first (file cache).
    for run in 0..=runs {
        let started = Instant::now();
        let output = Command::new(program).args(args).current_dir(root).output()?;
        let elapsed = started.elapsed();
        match output.status.code() {
            Some(0) => {}
            Some(1) => fresh = false,
            _ => {
                return Err(format!(
                    "`{program} {}` failed: {}",
                    args.join(" "),
                    String::from_utf8_lossy(&output.stderr)
                )
                .into());
            }
        }
        if run > 0 {
            samples.push(elapsed);
        }
    }
    let mean = samples.iter().sum::<Duration>() / u32::try_from(samples.len().max(1))?;
    Ok((Timing::of(samples), mean, fresh))
}

/// Runs the scenario and adds its section and verdicts to the report.
pub(crate) fn run(effort: Effort, report: &mut Report) -> Result<(), Error> {
    println!("scenario 6: codegen --check (building xtask first)");
    let root = workspace_root()?;
    let status = Command::new(cargo())
        .args(["build", "-p", "xtask"])
        .current_dir(&root)
        .status()?;
    if !status.success() {
        return Err("cannot build xtask".into());
    }
    let xtask = target_profile_dir()?
        .parent()
        .ok_or("no target directory")?
        .join("debug/xtask");
    let xtask = xtask.to_str().ok_or("non-UTF-8 path")?;
    let (direct, direct_mean, fresh) = time_command(effort.codegen_runs, xtask, &["codegen", "--check"], &root)?;
    let cargo = cargo();
    let (alias, alias_mean, _) = time_command(effort.codegen_runs, &cargo, &["xtask", "codegen", "--check"], &root)?;
    let mut section = format!(
        "## 6. Codegen: `cargo xtask codegen --check`\n\n\
         Wall time with the xtask already built (`cargo build -p xtask`, the dev profile `cargo xtask` \
         uses), {} runs after one unmeasured run. The check regenerates both clients from `specs/` in \
         memory and compares them with `crates/skillbridge-openapi/src/generated/` (result: {}).\n\n\
         | command | mean | median | best | worst |\n|---|---:|---:|---:|---:|\n",
        effort.codegen_runs,
        if fresh { "up to date" } else { "stale" }
    );
    for (name, timing, mean) in [
        ("`target/debug/xtask codegen --check`", direct, direct_mean),
        (
            "`cargo xtask codegen --check` (adds cargo's freshness check)",
            alias,
            alias_mean,
        ),
    ] {
        let _ = writeln!(
            section,
            "| {name} | {} | {} | {} | {} |",
            ms(mean),
            ms(timing.median),
            ms(timing.best),
            ms(timing.worst)
        );
    }
    report.section(section, "codegen", None);
    report.verdict(
        "6. Codegen check",
        "figures (no target)",
        format!("{} (cargo xtask: {})", ms(direct_mean), ms(alias_mean)),
        None,
    );
    Ok(())
}
