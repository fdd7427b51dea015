//! Scenario 3: memory, measured in a child process serving Kombo records.

use std::fmt::Write as _;
use std::io::{BufRead, BufReader, Read};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use skillbridge_mock::MockServer;

use crate::effort::Effort;

use crate::render::{Report, secs, thousands};

use crate::workspace::{cargo, target_profile_dir};
use skillbridge_bench as common;

type Error = Box<dyn std::error::Error>;

/// A mock server in a child process, stopped when its stdin closes.
pub(crate) struct ServerProcess {
    child: std::process::Child,
    pub(crate) kombo_base_url: String,
    pub(crate) kombo_api_key: String,
    pub(crate) integration_id: String,
    /// The `TECHWOLF_*` variables that point `TechWolf::from_env` at the child.
    pub(crate) techwolf_env: Vec<(String, String)>,
}

impl ServerProcess {
    /// Starts a mock with `entities` staffing entities (and `employees` TechWolf employees; the
    /// mock's default when `None`).
    pub(crate) fn start(entities: u32, employees: Option<u64>) -> Result<Self, Error> {
        let mut args = vec!["serve-kombo".to_owned(), entities.to_string()];
        args.extend(employees.map(|n| n.to_string()));
        let mut child = Command::new(std::env::current_exe()?)
            .args(&args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()?;
        let stdout = child.stdout.take().ok_or("no stdout")?;
        let mut fields = std::collections::HashMap::new();
        for line in BufReader::new(stdout).lines() {
            let line = line?;
            if line == "ready" {
                break;
            }
            if let Some((key, value)) = line.split_once('=') {
                fields.insert(key.to_owned(), value.to_owned());
            }
        }
        let mut techwolf_env: Vec<(String, String)> = fields
            .iter()
            .filter(|(key, _)| key.starts_with("TECHWOLF_"))
            .map(|(key, value)| (key.clone(), value.clone()))
            .collect();
        techwolf_env.sort();
        let mut take = |key: &str| {
            fields
                .remove(key)
                .ok_or_else(|| format!("the mock child sent no {key}"))
        };
        Ok(Self {
            kombo_base_url: take("KOMBO_BASE_URL")?,
            kombo_api_key: take("KOMBO_API_KEY")?,
            integration_id: take("INTEGRATION_ID")?,
            techwolf_env,
            child,
        })
    }

    pub(crate) fn stop(mut self) {
        drop(self.child.stdin.take());
        // Bounded: the child exits when its stdin closes; kill it if it has not within 5 s.
        for _ in 0..50 {
            if matches!(self.child.try_wait(), Ok(Some(_))) {
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The child side of [`ServerProcess`].
pub(crate) fn serve_kombo(entities: u32, employees: Option<u64>) -> Result<(), Error> {
    let mut builder = MockServer::builder()
        .staffing_entities(entities)
        .skills_per_entity(common::SKILLS_PER_ENTITY);
    if let Some(employees) = employees {
        builder = builder.employees(employees);
    }
    let mock = common::Mock::start(builder);
    println!("KOMBO_BASE_URL={}", mock.server.kombo().base_url());
    println!("KOMBO_API_KEY={}", mock.server.kombo().api_key());
    println!("INTEGRATION_ID={}", mock.server.kombo().integration_id());
    let techwolf = mock.server.techwolf();
    println!("TECHWOLF_BASE_URL={}", techwolf.base_url());
    println!("TECHWOLF_TOKEN_URL={}", techwolf.token_url());
    println!("TECHWOLF_CLIENT_ID={}", techwolf.client_id());
    println!("TECHWOLF_CLIENT_SECRET={}", techwolf.client_secret());
    println!("TECHWOLF_TENANT={}", techwolf.tenant());
    println!("TECHWOLF_AUDIENCE={}", techwolf.audience());
    println!("ready");
    // Serve until the parent closes our stdin (or dies).
    let mut sink = Vec::new();
    std::io::stdin().read_to_end(&mut sink)?;
    Ok(())
}

/// Runs the scenario and adds its section and verdicts to the report.
pub(crate) fn run(effort: Effort, report: &mut Report) -> Result<(), Error> {
    println!("scenario 3: memory (building the bench-memory binary)");
    let status = Command::new(cargo())
        .args(["build", "--release", "-p", "skillbridge-bench", "--bin", "bench-memory"])
        .status()?;
    if !status.success() {
        return Err("cannot build the bench-memory binary".into());
    }
    let binary = target_profile_dir()?.join("bench-memory");
    let counts: [u64; 2] = [100_000, 1_000_000];
    let server = ServerProcess::start(u32::try_from(counts[1] / u64::from(common::SKILLS_PER_ENTITY))?, None)?;
    let mut peaks = [0_u64; 2];
    let mut before = [0_u64; 2];
    let mut times = [Duration::ZERO; 2];
    for _ in 0..effort.memory_runs {
        for (i, count) in counts.iter().enumerate() {
            let started = Instant::now();
            let output = Command::new(&binary)
                .args([&server.integration_id, &count.to_string()])
                .env("KOMBO_BASE_URL", &server.kombo_base_url)
                .env("KOMBO_API_KEY", &server.kombo_api_key)
                .stderr(Stdio::inherit())
                .output()?;
            times[i] = started.elapsed();
            if !output.status.success() {
                server.stop();
                return Err(format!("bench-memory {count} failed").into());
            }
            let line = String::from_utf8(output.stdout)?;
            let field = |name: &str| -> Result<u64, Error> {
                line.split_whitespace()
                    .find_map(|kv| kv.strip_prefix(name)?.strip_prefix('='))
                    .ok_or_else(|| format!("no {name} in {line:?}"))?
                    .parse()
                    .map_err(Into::into)
            };
            if field("records")? != *count {
                server.stop();
                return Err(format!("bench-memory streamed the wrong count: {line}").into());
            }
            peaks[i] = peaks[i].max(field("peak_rss_kib")?);
            before[i] = before[i].max(field("rss_before_kib")?);
        }
    }
    server.stop();
    let mib = |kib: u64| kib as f64 / 1024.0;
    let growth = peaks[1] as f64 / peaks[0] as f64 - 1.0;
    let constant = growth.abs() <= 0.10;
    let small = mib(peaks[1]) < 64.0 && mib(peaks[0]) < 64.0;
    let mut section = format!(
        "## 3. Memory: peak resident memory of a process streaming Kombo records through `items()`\n\n\
         `src/bin/bench-memory.rs` (one current-thread runtime, page size 250) streams N records \
         from a mock server in another process (1,000,000 records) and reports its own `VmHWM`; \
         largest of {} run(s) per N.\n\n\
         | records streamed | RSS before streaming | peak RSS (`VmHWM`) | wall time |\n|---:|---:|---:|---:|\n",
        effort.memory_runs
    );
    for i in 0..2 {
        let _ = writeln!(
            section,
            "| {} | {:.1} MiB | {:.1} MiB | {} |",
            thousands(counts[i] as f64),
            mib(before[i]),
            mib(peaks[i]),
            secs(times[i])
        );
    }
    let _ = writeln!(
        section,
        "\nTen times the records changes the peak by {:+.1}% (target within ±10%: **{}**); both peaks \
         under 64 MiB: **{}**.",
        growth * 100.0,
        if constant { "met" } else { "missed" },
        if small { "met" } else { "missed" },
    );
    report.section(section, "memory", None);
    report.verdict(
        "3. Memory, 1,000,000 vs 100,000 records",
        "peak within 10%, under 64 MiB",
        format!(
            "{:.1} MiB vs {:.1} MiB ({:+.1}%)",
            mib(peaks[1]),
            mib(peaks[0]),
            growth * 100.0
        ),
        Some(constant && small),
    );
    Ok(())
}
