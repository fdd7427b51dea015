//! The binary's command line as a user meets it: help on stdout with exit 0, a usage error on
//! stderr with exit 2.

use std::process::{Command, Output};

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_skillbridge-mock"))
        .args(args)
        .output()
        .expect("the binary runs")
}

#[test]
fn help_prints_the_usage_and_exits_0() {
    for flag in ["--help", "-h"] {
        let out = run(&[flag]);
        assert_eq!(out.status.code(), Some(0));
        let stdout = String::from_utf8(out.stdout).unwrap();
        assert!(stdout.starts_with("Usage: skillbridge-mock [OPTIONS]"), "{stdout}");
        assert!(stdout.contains("--staffing-entities N"), "{stdout}");
        assert!(out.stderr.is_empty());
    }
}

#[test]
fn a_usage_error_names_the_argument_and_exits_2() {
    let out = run(&["--port", "http"]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.starts_with("error: --port: cannot parse `http`") && stderr.contains("--help"),
        "{stderr}"
    );
    assert!(out.stdout.is_empty());
    let out = run(&["--frobnicate"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8(out.stderr).unwrap().contains("--frobnicate"));
}

/// The `export` lines the running server prints are enough to reach both APIs: the Kombo listing
/// with its key and integration, and a TechWolf token with its client credentials.
#[tokio::test]
async fn the_printed_environment_reaches_both_apis() {
    use std::io::{BufRead, BufReader};
    use std::process::Stdio;

    /// Stops the server however the test ends.
    struct Running(std::process::Child);
    impl Drop for Running {
        fn drop(&mut self) {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
    let mut child = Running(
        Command::new(env!("CARGO_BIN_EXE_skillbridge-mock"))
            .args(["--staffing-entities", "3", "--employees", "2"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("the binary starts"),
    );
    let stdout = child.0.stdout.take().expect("stdout");
    // Bounded: the server prints a few dozen lines, then waits for Ctrl-C.
    let lines = tokio::task::spawn_blocking(move || {
        BufReader::new(stdout)
            .lines()
            .map_while(Result::ok)
            .take_while(|line| !line.starts_with("Press Ctrl-C"))
            .take(200)
            .collect::<Vec<_>>()
    });
    let lines = tokio::time::timeout(std::time::Duration::from_secs(60), lines)
        .await
        .expect("the server prints its environment")
        .expect("read");
    let env: std::collections::HashMap<String, String> = lines
        .iter()
        .filter_map(|line| line.strip_prefix("export "))
        .filter_map(|pair| pair.split_once('='))
        .map(|(name, value)| (name.to_owned(), value.to_owned()))
        .collect();
    let var = |name: &str| {
        env.get(name)
            .cloned()
            .unwrap_or_else(|| panic!("{name} not printed: {lines:?}"))
    };
    let http = reqwest::Client::new();
    let listing = http
        .get(format!("{}/hris/staffing-entity-skills", var("KOMBO_BASE_URL")))
        .bearer_auth(var("KOMBO_API_KEY"))
        .header("X-Integration-Id", var("KOMBO_INTEGRATION_ID"))
        .send()
        .await
        .expect("listing answered");
    assert_eq!(listing.status(), 200);
    let token = http
        .post(var("TECHWOLF_TOKEN_URL"))
        .json(&serde_json::json!({
            "client_id": var("TECHWOLF_CLIENT_ID"), "client_secret": var("TECHWOLF_CLIENT_SECRET"),
            "audience": var("TECHWOLF_AUDIENCE"), "tenant": var("TECHWOLF_TENANT"),
            "grant_type": "client_credentials"
        }))
        .send()
        .await
        .expect("token answered");
    assert_eq!(token.status(), 200);
    assert!(var("TECHWOLF_BASE_URL").starts_with("http://127.0.0.1:"));
}
