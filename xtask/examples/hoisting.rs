//! What hoisting saves: lines and type definitions of each generated file with and without it.
//! Run: `cargo run -p xtask --example hoisting`.
#![allow(clippy::print_stdout)]

use xtask::codegen::{prepare, prepare_unhoisted, render};

fn main() -> Result<(), xtask::error::Error> {
    let root = xtask::workspace_root();
    println!("| vendor | lines before | lines after | types before | types after |");
    println!("|---|---|---|---|---|");
    for vendor in xtask::vendors::all(&root)? {
        let before = render(&prepare_unhoisted(&root, &vendor)?.spec)?;
        let after = render(&prepare(&root, &vendor)?.spec)?;
        let types = |code: &str| code.matches("\n    pub struct ").count() + code.matches("\n    pub enum ").count();
        println!(
            "| {} | {} | {} | {} | {} |",
            vendor.name,
            before.lines().count(),
            after.lines().count(),
            types(&before),
            types(&after)
        );
    }
    Ok(())
}
