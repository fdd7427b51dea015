//! `cargo xtask` entry point. Exit codes: 0 success, 1 check failed, 2 bad input or usage.
//! The command line is defined in `flags.rs` (`cargo xtask --help`).
#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::process::ExitCode;

use xtask::codegen::{self, Check};
use xtask::flags::{self, Command};
use xtask::vendors::VENDORS;

fn main() -> ExitCode {
    let parsed = match flags::parse(std::env::args_os().skip(1)) {
        Ok(parsed) => parsed,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let root = parsed.root.unwrap_or_else(xtask::workspace_root);
    match parsed.command {
        Command::Help(text) => {
            print!("{text}");
            ExitCode::SUCCESS
        }
        Command::Codegen { check: false } => match codegen::write(&root, &VENDORS) {
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
        Command::Codegen { check: true } => match codegen::check(&root, &VENDORS) {
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
        Command::Drift(args) => match xtask::drift::cli::run(&root, &args) {
            Ok(outcome) => {
                print!("{}", outcome.stdout);
                ExitCode::from(outcome.code)
            }
            Err(e) => fail(&e),
        },
        Command::Vendor(args) => match xtask::vendor::run(&root, &args.vendor, &args.from) {
            Ok(report) => {
                print!("{report}");
                ExitCode::SUCCESS
            }
            Err(e) => fail(&e),
        },
    }
}

fn fail(error: &xtask::error::Error) -> ExitCode {
    eprintln!("error: {error}");
    ExitCode::from(2)
}
