//! The binary's command line as a user meets it: help on stdout with exit 0, a usage error on
//! stderr with exit 2.
#![allow(clippy::unwrap_used, clippy::expect_used)]

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
