//! Scenario 9: what depending on skillbridge costs at build time.
//!
//! Two crates outside the workspace, each in its own scratch directory with its own target
//! directory, built with `cargo build` (debug, the default a user gets) one after another, round
//! after round in rotated order: the README's user crate (`build-cost/user.rs`: skillbridge with
//! default features, tokio, futures) and the floor (`build-cost/floor.rs`: the same request by hand
//! with the crates any client needs, and no skillbridge). Both copy the workspace's Cargo.lock and
//! build `--offline`, so they resolve the same versions; skillbridge comes from the workspace by path.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use crate::effort::Effort;
use crate::render::{Report, command_output, secs, yes_no};
use crate::stats::{Timing, median};
use crate::workspace::{cargo, target_profile_dir, workspace_root};

type Error = Box<dyn std::error::Error>;

/// Targets (issue 22): a cold build within 6% of the floor's, an edit of `main.rs` within 3%.
const COLD_TARGET: f64 = 1.06;
const INCREMENTAL_TARGET: f64 = 1.03;

/// The reqwest release skillbridge builds on; the floor pins the same.
const REQWEST: &str = "0.13.5";

/// How many crates the section lists where the time goes.
const TOP: usize = 12;

/// One crate under test: its name (the package and binary), its dependencies, its `main.rs`.
struct Contender {
    name: &'static str,
    dependencies: String,
    source: &'static str,
}

fn contenders(root: &Path) -> [Contender; 2] {
    let skillbridge = root.join("crates/skillbridge");
    [
        Contender {
            name: "build-cost-user",
            // What the README's install section adds (skillbridge's default features: rustls).
            dependencies: format!(
                "skillbridge = {{ path = {:?} }}\n\
                 tokio = {{ version = \"1\", features = [\"macros\", \"rt-multi-thread\"] }}\n\
                 futures = \"0.3\"\n",
                skillbridge.display().to_string()
            ),
            source: "user.rs",
        },
        Contender {
            name: "build-cost-floor",
            // reqwest and chrono with exactly the features skillbridge turns on.
            dependencies: format!(
                "reqwest = {{ version = \"{REQWEST}\", default-features = false, features = [\"json\", \"query\", \"rustls\"] }}\n\
                 serde_json = \"1\"\n\
                 tokio = {{ version = \"1\", features = [\"macros\", \"rt-multi-thread\"] }}\n\
                 chrono = {{ version = \"0.4\", default-features = false, features = [\"serde\", \"std\", \"clock\"] }}\n"
            ),
            source: "floor.rs",
        },
    ]
}

/// Writes `contender`'s crate into `dir` (its own workspace, the workspace's lock file).
fn write_crate(root: &Path, dir: &Path, contender: &Contender) -> Result<(), Error> {
    std::fs::create_dir_all(dir.join("src"))?;
    let manifest = format!(
        "[package]\nname = \"{}\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n\
         [dependencies]\n{}\n\
         # Not a member of the skillbridge workspace it sits under.\n[workspace]\n",
        contender.name, contender.dependencies
    );
    std::fs::write(dir.join("Cargo.toml"), manifest)?;
    std::fs::copy(root.join("Cargo.lock"), dir.join("Cargo.lock"))?;
    let source = root.join("crates/skillbridge-bench/build-cost").join(contender.source);
    std::fs::copy(source, dir.join("src/main.rs"))?;
    Ok(())
}

/// `cargo build --offline` in `dir`, into `dir/target`, with a user's defaults (incremental on,
/// no compiler wrapper, no flags from this process's environment); its wall time.
fn build(dir: &Path, timings: bool) -> Result<Duration, Error> {
    let mut command = Command::new(cargo());
    command
        .current_dir(dir)
        .args(["build", "--offline", "--quiet"])
        .env("CARGO_TARGET_DIR", dir.join("target"));
    for name in [
        "CARGO_INCREMENTAL",
        "RUSTC_WRAPPER",
        "RUSTFLAGS",
        "CARGO_ENCODED_RUSTFLAGS",
        "CARGO_BUILD_JOBS",
    ] {
        command.env_remove(name);
    }
    if timings {
        command.arg("--timings");
    }
    let started = Instant::now();
    let output = command.output()?;
    let elapsed = started.elapsed();
    if !output.status.success() {
        return Err(format!(
            "cargo build in {} failed: {}",
            dir.display(),
            String::from_utf8_lossy(&output.stderr)
        )
        .into());
    }
    Ok(elapsed)
}

/// Marks `main.rs` as edited: the next build recompiles the binary and nothing else.
fn touch(dir: &Path) -> Result<(), Error> {
    let file = std::fs::File::options().append(true).open(dir.join("src/main.rs"))?;
    file.set_modified(std::time::SystemTime::now())?;
    Ok(())
}

/// The name the section gives each contender's own crate, so that the two line up.
const OWN_CRATE: &str = "(the crate itself: main.rs)";

/// What one `cargo build --timings` report says.
#[derive(Debug, Default)]
struct UnitTimes {
    /// Seconds per crate (its units summed: build script, lib, bin).
    seconds: BTreeMap<String, f64>,
    /// Seconds from the end of reqwest's compilation (the last dependency both crates share) to
    /// the end of the build: the part of the critical path that skillbridge can lengthen.
    tail: f64,
}

/// The newest `cargo build --timings` report in `dir/target`; the contender's own crate is named
/// [`OWN_CRATE`].
fn unit_times(dir: &Path, own: &str) -> Result<UnitTimes, Error> {
    let html = std::fs::read_to_string(dir.join("target/cargo-timings/cargo-timing.html"))?;
    let start = html
        .find("const UNIT_DATA = ")
        .ok_or("no UNIT_DATA in cargo's timing report")?
        + 18;
    let rest = &html[start..];
    let end = rest.find(";\n").ok_or("UNIT_DATA does not end")?;
    let units: Vec<serde_json::Value> = serde_json::from_str(&rest[..end])?;
    let mut times = UnitTimes::default();
    let (mut build_end, mut reqwest_end) = (0.0_f64, 0.0_f64);
    for unit in units {
        let duration = unit["duration"].as_f64().unwrap_or(0.0);
        let unit_end = unit["start"].as_f64().unwrap_or(0.0) + duration;
        build_end = build_end.max(unit_end);
        let name = match unit["name"].as_str().unwrap_or("?") {
            name if name == own => OWN_CRATE.to_owned(),
            "reqwest" => {
                reqwest_end = reqwest_end.max(unit_end);
                "reqwest".to_owned()
            }
            name => name.to_owned(),
        };
        *times.seconds.entry(name).or_insert(0.0) += duration;
    }
    times.tail = build_end - reqwest_end;
    Ok(times)
}

/// Where the user crate's extra time goes: per crate, its seconds in each build (0 where absent),
/// largest difference first.
fn differences(user: &BTreeMap<String, f64>, floor: &BTreeMap<String, f64>) -> Vec<(String, f64, f64)> {
    let names: BTreeSet<&String> = user.keys().chain(floor.keys()).collect();
    let mut rows: Vec<(String, f64, f64)> = names
        .into_iter()
        .map(|name| {
            let u = user.get(name).copied().unwrap_or(0.0);
            let f = floor.get(name).copied().unwrap_or(0.0);
            (name.clone(), u, f)
        })
        .collect();
    rows.sort_by(|a, b| (b.1 - b.2).total_cmp(&(a.1 - a.2)).then_with(|| a.0.cmp(&b.0)));
    rows
}

/// Per-round ratios of the user crate's time over the floor's, and their median.
fn ratios(user: &[Duration], floor: &[Duration]) -> (f64, Vec<f64>) {
    let per_round: Vec<f64> = user
        .iter()
        .zip(floor)
        .map(|(u, f)| u.as_secs_f64() / f.as_secs_f64().max(1e-9))
        .collect();
    (median(per_round.clone()), per_round)
}

/// The timed rounds: `cold` rounds from an empty target directory (the last one with
/// `--timings`), then `incremental` rounds after a touch of `main.rs`. Samples per contender.
fn measure(dirs: &[PathBuf; 2], cold: usize, incremental: usize) -> Result<[[Vec<Duration>; 2]; 2], Error> {
    let mut samples: [[Vec<Duration>; 2]; 2] = Default::default();
    for round in 0..cold {
        for k in 0..2 {
            let c = (round + k) % 2;
            let target = dirs[c].join("target");
            if target.exists() {
                std::fs::remove_dir_all(&target)?;
            }
            println!("  cold build {}/{cold}: {}", round + 1, dirs[c].display());
            samples[0][c].push(build(&dirs[c], round + 1 == cold)?);
        }
    }
    // One unmeasured edit each: the first incremental build after a cold one also writes caches.
    for dir in dirs {
        touch(dir)?;
        build(dir, false)?;
    }
    for round in 0..incremental {
        for k in 0..2 {
            let c = (round + k) % 2;
            touch(&dirs[c])?;
            samples[1][c].push(build(&dirs[c], false)?);
        }
    }
    Ok(samples)
}

/// Runs the scenario and adds its section and verdicts to the report.
pub(crate) fn run(effort: Effort, report: &mut Report) -> Result<(), Error> {
    println!(
        "scenario 9: build cost, {} cold and {} incremental rounds of two crates",
        effort.build_cold_rounds, effort.build_incremental_rounds
    );
    let root = workspace_root()?;
    let scratch = target_profile_dir()?
        .parent()
        .ok_or("no target directory")?
        .join("build-cost");
    let contenders = contenders(&root);
    let dirs = [scratch.join("user"), scratch.join("floor")];
    for (contender, dir) in contenders.iter().zip(&dirs) {
        write_crate(&root, dir, contender)?;
    }
    let load_before = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    let [cold, incremental] = measure(&dirs, effort.build_cold_rounds, effort.build_incremental_rounds)?;
    let load_after = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    let units = [
        unit_times(&dirs[0], contenders[0].name)?,
        unit_times(&dirs[1], contenders[1].name)?,
    ];
    let figures = Figures {
        cold: ratios(&cold[0], &cold[1]),
        incremental: ratios(&incremental[0], &incremental[1]),
        timings: [
            Timing::of(cold[0].clone()),
            Timing::of(cold[1].clone()),
            Timing::of(incremental[0].clone()),
            Timing::of(incremental[1].clone()),
        ],
        units,
        load: [load_before, load_after],
    };
    let section = render_section(&figures);
    report.section(section, "build-cost", None);
    report.verdict(
        "9. Build cost, cold `cargo build` (debug)",
        "≤ 1.06× the floor (reqwest, serde_json, tokio, chrono)",
        format!("{:.2}×", figures.cold.0),
        Some(figures.cold.0 <= COLD_TARGET),
    );
    report.verdict(
        "9. Build cost, `main.rs` edited",
        "≤ 1.03× the floor",
        format!("{:.2}×", figures.incremental.0),
        Some(figures.incremental.0 <= INCREMENTAL_TARGET),
    );
    Ok(())
}

/// Why the user crate builds what the floor does not (facts of the dependency tree, not figures:
/// revisit when a dependency changes).
const WHY_EACH_CRATE: &str = "\n\
What the user crate builds that the floor does not, and why: `skillbridge` and `skillbridge-openapi` \
(the library and its generated client); `progenitor-client` (the generated client's runtime), which \
turns on reqwest's `stream` feature and with it `tokio-util`; `serde_derive` (typed models: the \
floor decodes into `serde_json::Value`, a typed floor would build it too); `thiserror` and its \
derive; `uuid`, `secrecy`, `fastrand`, `tracing`; and the `futures` facade the README adds for \
`TryStreamExt`, whose default features build `futures-macro`, `futures-executor`, `futures-io` and \
`futures-channel` (`futures-util`, which skillbridge already builds, has the same trait). Most \
of these compile on the second core while the C build runs; `skillbridge-openapi`, `skillbridge` \
and the user's `main.rs` need reqwest and come after it, on the longest chain (the tail above).\n";

/// What the section reports.
struct Figures {
    /// Median ratio (user over floor) and the per-round ratios.
    cold: (f64, Vec<f64>),
    incremental: (f64, Vec<f64>),
    /// Cold user, cold floor, incremental user, incremental floor.
    timings: [Timing; 4],
    /// The last cold build's timing reports: user, floor.
    units: [UnitTimes; 2],
    /// `/proc/loadavg` before and after.
    load: [String; 2],
}

fn render_section(f: &Figures) -> String {
    let load = |l: &String| l.split_whitespace().take(3).collect::<Vec<_>>().join(" ");
    let rounds = |r: &[f64]| r.iter().map(|x| format!("{x:.3}")).collect::<Vec<_>>().join(", ");
    let mut s = format!(
        "## 9. Build cost: the README's user crate against the floor\n\n\
         Measured {} at commit `{}`; load average (1/5/15 min) before, after: {} / {} (load from other \
         builds slows both sides; the per-round ratios show how much it moved them). \
         `cargo build` (debug, incremental on, as a user gets it) of two crates outside the \
         workspace, each in its own directory with its own target directory, in rotated order each \
         round: the **user crate** (`crates/skillbridge-bench/build-cost/user.rs`: a Kombo client \
         listing one page; skillbridge with default features, so rustls, by path; tokio with \
         `macros`, `rt-multi-thread`; futures) and the **floor** (`build-cost/floor.rs`: the same \
         request by hand with reqwest {REQWEST} with skillbridge's features, serde_json, tokio, chrono). Both \
         use the workspace's Cargo.lock and `--offline`; crate sources are unpacked already (no \
         download in either). *Cold*: an empty target directory. *Edit*: `main.rs` touched, the \
         binary rebuilt.\n\n\
         | build | user crate, median | floor, median | user / floor (median of rounds) | target | met | rounds |\n\
         |---|---:|---:|---:|---:|---|---|\n",
        chrono::Utc::now().format("%Y-%m-%d %H:%M UTC"),
        command_output("git", &["describe", "--always", "--dirty"]),
        load(&f.load[0]),
        load(&f.load[1]),
    );
    for (name, ratio, user, floor, target) in [
        ("cold", &f.cold, f.timings[0], f.timings[1], COLD_TARGET),
        (
            "edit of `main.rs`",
            &f.incremental,
            f.timings[2],
            f.timings[3],
            INCREMENTAL_TARGET,
        ),
    ] {
        let _ = writeln!(
            s,
            "| {name} | {} | {} | **{:.3}×** | ≤ {target:.2}× | {} | {} |",
            secs(user.median),
            secs(floor.median),
            ratio.0,
            yes_no(ratio.0 <= target),
            rounds(&ratio.1)
        );
    }
    render_units(&mut s, f);
    s
}

/// Where the time goes, from `cargo build --timings` of the last cold round.
fn render_units(s: &mut String, f: &Figures) {
    let [user, floor] = [&f.units[0].seconds, &f.units[1].seconds];
    let total = |m: &BTreeMap<String, f64>| m.values().sum::<f64>();
    let _ = write!(
        s,
        "\nWhere the time goes (`cargo build --timings`, last cold round). Compiler time summed over \
         every unit, build scripts included: user crate {:.1} s over {} crates, floor {:.1} s over {} \
         crates. The longest chain of both runs through `aws-lc-sys`'s C build (the build script of \
         rustls' crypto) and then rustls and reqwest; what skillbridge adds to it comes after \
         reqwest: from reqwest's end to the build's end, **{:.1} s** for the user crate against \
         **{:.1} s** for the floor (a figure the noise of the C build does not reach). The crates \
         with the largest difference in compiler time:\n\n\
         | crate | user crate | floor | difference |\n|---|---:|---:|---:|\n",
        total(user),
        user.len(),
        total(floor),
        floor.len(),
        f.units[0].tail,
        f.units[1].tail,
    );
    for (name, u, fl) in differences(user, floor).into_iter().take(TOP) {
        let name = if name == OWN_CRATE { name } else { format!("`{name}`") };
        let _ = writeln!(s, "| {name} | {u:.2} s | {fl:.2} s | {:+.2} s |", u - fl);
    }
    s.push_str(WHY_EACH_CRATE);
}
