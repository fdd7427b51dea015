//! `cargo xtask` entry point. Exit codes: 0 success, 1 check failed, 2 bad input or usage.
//! The command line is defined in `flags.rs` (`cargo xtask --help`).
#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::process::ExitCode;

use xtask::codegen::{self, Check};
use xtask::flags::{self, Command};

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
        Command::Codegen { check } => codegen(&root, check),
        Command::CodegenTry { file } => match codegen::try_document(&file) {
            Ok(tried) => {
                for note in &tried.notes {
                    eprintln!("{note}");
                }
                println!(
                    "ok: {}: {} operations, {} lines of Rust",
                    file.display(),
                    tried.operations,
                    tried.lines
                );
                ExitCode::SUCCESS
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
        Command::Vendor(args) => match xtask::vendor::run(&root, &args) {
            Ok(report) => {
                print!("{report}");
                ExitCode::SUCCESS
            }
            Err(e) => fail(&e),
        },
    }
}

/// `codegen [--check]`: the notes of every vendor on stderr, then write or compare.
fn codegen(root: &std::path::Path, check: bool) -> ExitCode {
    let outputs = match xtask::vendors::all(root).and_then(|vendors| codegen::generate_all(root, &vendors)) {
        Ok(outputs) => outputs,
        Err(e) => return fail(&e),
    };
    for note in outputs.iter().flat_map(|o| &o.notes) {
        eprintln!("{note}");
    }
    if check {
        return match codegen::compare(root, &outputs) {
            Check::Fresh => {
                println!("generated code is up to date");
                ExitCode::SUCCESS
            }
            Check::Stale(report) => {
                print!("{report}");
                ExitCode::from(1)
            }
        };
    }
    match codegen::write_outputs(root, outputs) {
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
    }
}

fn fail(error: &xtask::error::Error) -> ExitCode {
    eprintln!("{}{error}", xtask::error::PREFIX);
    ExitCode::from(2)
}
