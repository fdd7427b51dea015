//! `skillbridge-mock`: runs the mock server until Ctrl-C.
//!
//! ```text
//! cargo run -p skillbridge-mock -- --port 8080 --seed 7 --staffing-entities 2000 --employees 500
//! ```
#![allow(clippy::print_stdout, reason = "a command-line tool prints its URLs and credentials")]

use std::net::IpAddr;
use std::process::ExitCode;
use std::str::FromStr;
use std::time::Duration;

use skillbridge_mock::{MockServer, MockServerBuilder, NextStartingAfter};

const USAGE: &str = "\
Usage: skillbridge-mock [OPTIONS]

  --host ADDR                     address to bind (default 127.0.0.1)
  --port N                        port to bind (default 0: ephemeral)
  --seed N                        data seed (default 1)
  --staffing-entities N           Kombo staffing entities (default 200)
  --skills-per-entity N           expectations per staffing entity (default 5)
  --skill-catalog N               Kombo skill catalog size (default 300)
  --employees N                   TechWolf employees (default 100)
  --token-ttl-secs N              TechWolf token lifetime (default 3600)
  --write-concurrency-limit N     in-flight Kombo writes (default 30, 0 = none)
  --next-starting-after MODE      present | absent | alternating (default present)
  --contract-checks               validate requests and responses against the specs
  --no-contract-checks            do not (default: on in debug builds, off in release builds)
  -h, --help                      this help
";

fn value<T: FromStr>(args: &mut impl Iterator<Item = String>, flag: &str) -> Result<T, String> {
    let raw = args.next().ok_or_else(|| format!("{flag} needs a value"))?;
    raw.parse().map_err(|_| format!("{flag}: cannot parse `{raw}`"))
}

fn parse(mut args: impl Iterator<Item = String>) -> Result<Option<MockServerBuilder>, String> {
    let mut b = MockServer::builder();
    while let Some(arg) = args.next() {
        b = match arg.as_str() {
            "-h" | "--help" => return Ok(None),
            "--host" => b.host(value::<IpAddr>(&mut args, &arg)?),
            "--port" => b.port(value(&mut args, &arg)?),
            "--seed" => b.seed(value(&mut args, &arg)?),
            "--staffing-entities" => b.staffing_entities(value(&mut args, &arg)?),
            "--skills-per-entity" => b.skills_per_entity(value(&mut args, &arg)?),
            "--skill-catalog" => b.skill_catalog(value(&mut args, &arg)?),
            "--employees" => b.employees(value(&mut args, &arg)?),
            "--token-ttl-secs" => b.token_ttl(Duration::from_secs(value(&mut args, &arg)?)),
            "--write-concurrency-limit" => b.write_concurrency_limit(value(&mut args, &arg)?),
            "--next-starting-after" => b.next_starting_after(match value::<String>(&mut args, &arg)?.as_str() {
                "present" => NextStartingAfter::Present,
                "absent" => NextStartingAfter::Absent,
                "alternating" => NextStartingAfter::Alternating,
                other => return Err(format!("--next-starting-after: unknown mode `{other}`")),
            }),
            "--contract-checks" => b.contract_checks(true),
            "--no-contract-checks" => b.contract_checks(false),
            other => return Err(format!("unknown argument `{other}`")),
        };
    }
    Ok(Some(b))
}

#[tokio::main]
async fn main() -> ExitCode {
    let builder = match parse(std::env::args().skip(1)) {
        Ok(Some(b)) => b,
        Ok(None) => {
            print!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!("error: {e}\n\n{USAGE}");
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
    println!("Kombo     base URL        {}", server.kombo_base_url());
    println!("          API key         {}", server.kombo_api_key());
    println!("          integration id  {}", server.integration_id());
    println!("          expectations    {}", server.expectations_count());
    println!("TechWolf  base URL        {}", server.techwolf_base_url());
    println!("          token URL       {}", server.token_url());
    println!("          client id       {}", server.client_id());
    println!("          client secret   {}", server.client_secret());
    println!("          audience        {}", server.audience());
    println!("          tenant          {}", server.tenant());
    println!("          employees       {}", server.employees_count());
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

    fn args(list: &[&str]) -> impl Iterator<Item = String> {
        list.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>().into_iter()
    }

    #[test]
    fn parses_flags_and_reports_mistakes() {
        let b = parse(args(&[
            "--port",
            "8080",
            "--seed",
            "7",
            "--staffing-entities",
            "2000",
            "--no-contract-checks",
        ]));
        let debug = format!("{:?}", b.expect("valid").expect("a builder"));
        assert!(debug.contains("port: 8080") && debug.contains("seed: 7") && debug.contains("staffing_entities: 2000"));
        assert!(debug.contains("contract_checks: false"), "{debug}");
        assert!(parse(args(&["--help"])).expect("valid").is_none());
        assert!(parse(args(&["--port"])).expect_err("missing value").contains("--port"));
        assert!(
            parse(args(&["--port", "http"]))
                .expect_err("bad value")
                .contains("http")
        );
        assert!(
            parse(args(&["--frobnicate"]))
                .expect_err("unknown")
                .contains("--frobnicate")
        );
        assert!(parse(args(&["--next-starting-after", "sometimes"])).is_err());
    }
}
