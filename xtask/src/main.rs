//! `cargo xtask` entry point. Exit codes: 0 success, 1 check failed, 2 bad input or usage.
#![allow(clippy::print_stdout)]

use std::process::ExitCode;

use xtask::codegen::{self, Check};
use xtask::vendor::VENDORS;

const USAGE: &str = "\
usage: cargo xtask [--root DIR] <task>

tasks:
  codegen [--check]   regenerate crates/skillbridge-openapi/src/generated/ from specs/
                      (--check: regenerate in memory, print a diff and exit 1 if stale)
";

fn main() -> ExitCode {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    // `--root DIR` runs a task on another checkout (tests use it on scratch copies).
    let root = match args.iter().position(|a| a == "--root") {
        Some(i) if i + 1 < args.len() => {
            let dir = args.remove(i + 1);
            args.remove(i);
            std::path::PathBuf::from(dir)
        }
        Some(_) => {
            eprint!("--root needs a directory\n\n{USAGE}");
            return ExitCode::from(2);
        }
        None => xtask::workspace_root(),
    };
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    match args.as_slice() {
        ["codegen"] => match codegen::write(&root, &VENDORS) {
            Ok(written) if written.is_empty() => {
                println!("generated code is up to date");
                ExitCode::SUCCESS
            }
            Ok(written) => {
                for path in written {
                    println!("wrote {}", path.display());
                }
                ExitCode::SUCCESS
            }
            Err(e) => fail(&e),
        },
        ["codegen", "--check"] => match codegen::check(&root, &VENDORS) {
            Ok(Check::Fresh) => {
                println!("generated code is up to date");
                ExitCode::SUCCESS
            }
            Ok(Check::Stale(report)) => {
                print!("{report}");
                ExitCode::from(1)
            }
            Err(e) => fail(&e),
        },
        ["drift", rest @ ..] => match xtask::drift::cli::run(&root, rest) {
            Ok(outcome) => {
                print!("{}", outcome.stdout);
                ExitCode::from(outcome.code)
            }
            Err(e) => fail(&e),
        },
        ["vendor", rest @ ..] => match xtask::vendor_cmd::run(&root, rest) {
            Ok(report) => {
                print!("{report}");
                ExitCode::SUCCESS
            }
            Err(e) => fail(&e),
        },
        ["help" | "--help" | "-h"] | [] => {
            print!("{USAGE}{}{}", xtask::drift::cli::USAGE, xtask::vendor_cmd::USAGE);
            ExitCode::SUCCESS
        }
        _ => {
            eprint!(
                "unknown arguments: {}\n\n{USAGE}{}{}",
                args.join(" "),
                xtask::drift::cli::USAGE,
                xtask::vendor_cmd::USAGE
            );
            ExitCode::from(2)
        }
    }
}

fn fail(error: &xtask::error::Error) -> ExitCode {
    eprintln!("error: {error}");
    ExitCode::from(2)
}
