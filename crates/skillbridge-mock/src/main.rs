//! `skillbridge-mock`: runs the mock server until Ctrl-C.
//!
//! ```text
//! cargo run -p skillbridge-mock -- --port 8080 --seed 7 --staffing-entities 2000 --employees 500
//! ```
#![allow(clippy::print_stdout, reason = "a command-line tool prints its URLs and credentials")]

use std::ffi::OsString;
use std::fmt;
use std::process::ExitCode;
use std::str::FromStr;
use std::time::Duration;

use lexopt::prelude::*;
use skillbridge_mock::{MockServer, MockServerBuilder, NextStartingAfter};

// The command line is read with `lexopt`, as `cargo xtask` reads its own (`xtask/src/flags.rs`
// says why): `--opt value`, `--opt=value`, `--` and non-UTF-8 arguments handled, help as a plain
// string a test can read.

/// `skillbridge-mock --help`.
const USAGE: &str = "\
Usage: skillbridge-mock [OPTIONS]

Serves Kombo's and TechWolf's APIs (and TechWolf's token endpoint) from seeded data until Ctrl-C,
and prints the base URLs and the credentials it accepts.

options:
  --host ADDR                     address to bind (default 127.0.0.1)
  --port N                        port to bind (default 0: ephemeral)
  --seed N                        data seed (default 1)
  --staffing-entities N           Kombo staffing entities (default 200)
  --skills-per-entity N           expectations per staffing entity (default 5)
  --skill-catalog N               Kombo skill catalog size (default 300)
  --employees N                   TechWolf employees (default 100)
  --token-ttl-secs N              TechWolf token lifetime (default 3600)
  --write-concurrency-limit N     in-flight Kombo writes (default 30, 0 = none)
  --latency-ms N                  latency added to every request of every route (default 0)
  --next-starting-after MODE      present | absent | alternating (default present)
  --contract-checks               validate requests and responses against the specs
  --no-contract-checks            do not (default: on in debug builds, off in release builds)
  -h, --help                      this help

exit codes: 0 stopped by Ctrl-C (or help printed), 1 the server could not start, 2 usage
";

/// What the command line asks for.
#[derive(Debug)]
enum Cli {
    /// Print [`USAGE`] and exit 0.
    Help,
    /// Start a server configured so.
    Serve(Box<MockServerBuilder>),
}

/// A command line that cannot be followed: what is wrong, one line. Exit 2.
#[derive(Debug, PartialEq, Eq)]
struct UsageError(String);

impl fmt::Display for UsageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (see `skillbridge-mock --help`)", self.0)
    }
}

impl From<lexopt::Error> for UsageError {
    fn from(e: lexopt::Error) -> Self {
        Self(e.to_string())
    }
}

/// The value of `flag`, parsed; the message names the flag and the value it could not read.
fn value<T>(p: &mut lexopt::Parser, flag: &str) -> Result<T, UsageError>
where
    T: FromStr,
    T::Err: fmt::Display,
{
    let raw = p.value()?.string()?;
    raw.parse()
        .map_err(|e| UsageError(format!("{flag}: cannot parse `{raw}`: {e}")))
}

fn next_starting_after(raw: &str) -> Result<NextStartingAfter, UsageError> {
    match raw {
        "present" => Ok(NextStartingAfter::Present),
        "absent" => Ok(NextStartingAfter::Absent),
        "alternating" => Ok(NextStartingAfter::Alternating),
        other => Err(UsageError(format!(
            "--next-starting-after: unknown mode `{other}` (present, absent or alternating)"
        ))),
    }
}

/// Reads the arguments after the program name.
fn parse<I>(args: I) -> Result<Cli, UsageError>
where
    I: IntoIterator,
    I::Item: Into<OsString>,
{
    let mut p = lexopt::Parser::from_args(args);
    let mut b = MockServer::builder();
    while let Some(arg) = p.next()? {
        b = match arg {
            Short('h') | Long("help") => return Ok(Cli::Help),
            Long("host") => b.host(value(&mut p, "--host")?),
            Long("port") => b.port(value(&mut p, "--port")?),
            Long("seed") => b.seed(value(&mut p, "--seed")?),
            Long("staffing-entities") => b.staffing_entities(value(&mut p, "--staffing-entities")?),
            Long("skills-per-entity") => b.skills_per_entity(value(&mut p, "--skills-per-entity")?),
            Long("skill-catalog") => b.skill_catalog(value(&mut p, "--skill-catalog")?),
            Long("employees") => b.employees(value(&mut p, "--employees")?),
            Long("token-ttl-secs") => b.token_ttl(Duration::from_secs(value(&mut p, "--token-ttl-secs")?)),
            Long("write-concurrency-limit") => b.write_concurrency_limit(value(&mut p, "--write-concurrency-limit")?),
            Long("latency-ms") => b.latency_all(Duration::from_millis(value(&mut p, "--latency-ms")?)),
            Long("next-starting-after") => {
                let raw: String = value(&mut p, "--next-starting-after")?;
                b.next_starting_after(next_starting_after(&raw)?)
            }
            Long("contract-checks") => b.contract_checks(true),
            Long("no-contract-checks") => b.contract_checks(false),
            other => return Err(other.unexpected().into()),
        };
    }
    Ok(Cli::Serve(Box::new(b)))
}

#[tokio::main]
async fn main() -> ExitCode {
    let builder = match parse(std::env::args_os().skip(1)) {
        Ok(Cli::Serve(b)) => *b,
        Ok(Cli::Help) => {
            print!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let server = match builder.start().await {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: cannot start the mock server: {e}");
            return ExitCode::FAILURE;
        }
    };
    // Printing the credentials is the point: they are the mock's own, not real secrets.
    println!(
        "skillbridge mock listening on http://{} (seed {})",
        server.addr(),
        server.seed()
    );
    println!();
    let (kombo, techwolf) = (server.kombo(), server.techwolf());
    println!("Kombo     base URL        {}", kombo.base_url());
    println!("          API key         {}", kombo.api_key());
    println!("          integration id  {}", kombo.integration_id());
    println!("          expectations    {}", kombo.expectations_count());
    println!("TechWolf  base URL        {}", techwolf.base_url());
    println!("          token URL       {}", techwolf.token_url());
    println!("          client id       {}", techwolf.client_id());
    println!("          client secret   {}", techwolf.client_secret());
    println!("          audience        {}", techwolf.audience());
    println!("          tenant          {}", techwolf.tenant());
    println!("          employees       {}", techwolf.employees_count());
    println!();
    // The variables `Kombo::from_env`, `TechWolf::from_env` and the quickstart read: paste them
    // into another shell to point a program at this server.
    println!("# skillbridge clients (Kombo::from_env, TechWolf::from_env, the quickstart):");
    for (name, value) in [
        ("KOMBO_BASE_URL", kombo.base_url()),
        ("KOMBO_API_KEY", kombo.api_key().to_owned()),
        ("KOMBO_INTEGRATION_ID", kombo.integration_id().to_owned()),
        ("TECHWOLF_BASE_URL", techwolf.base_url()),
        ("TECHWOLF_TOKEN_URL", techwolf.token_url()),
        ("TECHWOLF_TENANT", techwolf.tenant().to_owned()),
        ("TECHWOLF_AUDIENCE", techwolf.audience().to_owned()),
        ("TECHWOLF_CLIENT_ID", techwolf.client_id().to_owned()),
        ("TECHWOLF_CLIENT_SECRET", techwolf.client_secret().to_owned()),
    ] {
        println!("export {name}={value}");
    }
    println!();
    println!("Press Ctrl-C to stop.");
    if let Err(e) = tokio::signal::ctrl_c().await {
        eprintln!("error: waiting for Ctrl-C failed: {e}");
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_args(list: &[&str]) -> Result<Cli, UsageError> {
        parse(list.iter().copied())
    }

    fn error(list: &[&str]) -> String {
        parse_args(list).expect_err("a usage error").to_string()
    }

    #[test]
    fn parses_flags_and_reports_mistakes() {
        let b = parse_args(&[
            "--port",
            "8080",
            "--host",
            "::1",
            "--seed=7",
            "--staffing-entities",
            "2000",
            "--no-contract-checks",
        ]);
        let Ok(Cli::Serve(b)) = b else {
            panic!("a builder: {b:?}")
        };
        let debug = format!("{b:?}");
        assert!(debug.contains("port: 8080") && debug.contains("seed: 7") && debug.contains("staffing_entities: 2000"));
        assert!(debug.contains("contract_checks: false"), "{debug}");
        assert!(debug.contains("host: ::1"), "{debug}");
        let Ok(Cli::Serve(b)) = parse_args(&["--latency-ms", "25"]) else {
            panic!("a builder")
        };
        let debug = format!("{b:?}");
        // Every route, each vendor's and the token endpoint, gets the latency.
        let routes = debug.matches("Route(").count();
        assert!(routes >= 4 && debug.contains("Route(techwolf token)"), "{debug}");
        assert_eq!(debug.matches("): 25ms").count(), routes, "{debug}");
        assert!(error(&["--latency-ms", "-5"]).contains("--latency-ms"));
        assert!(matches!(parse_args(&["--help"]), Ok(Cli::Help)));
        assert!(matches!(parse_args(&["--seed", "3", "-h"]), Ok(Cli::Help)));
        assert!(error(&["--port"]).contains("--port"));
        let bad_value = error(&["--port", "http"]);
        assert!(
            bad_value.contains("--port") && bad_value.contains("http"),
            "{bad_value}"
        );
        assert!(error(&["--frobnicate"]).contains("--frobnicate"));
        assert!(error(&["--next-starting-after", "sometimes"]).contains("sometimes"));
        assert!(error(&["stray"]).contains("stray"));
        assert!(
            error(&["--contract-checks=yes"]).contains("--contract-checks"),
            "a flag takes no value"
        );
        assert!(error(&["--host", "localhost:80"]).contains("--host"));
    }

    #[test]
    fn every_error_points_to_the_help() {
        assert!(error(&["--seed", "-1"]).ends_with("(see `skillbridge-mock --help`)"));
        for flag in [
            "--host",
            "--port",
            "--seed",
            "--staffing-entities",
            "--skills-per-entity",
            "--skill-catalog",
            "--employees",
            "--token-ttl-secs",
            "--write-concurrency-limit",
            "--latency-ms",
            "--next-starting-after",
            "--contract-checks",
            "--no-contract-checks",
        ] {
            assert!(USAGE.contains(flag), "{flag} is not in the help");
        }
    }
}
