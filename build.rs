//! Stamps the commit into `kubeha --version` (`0.1.0 (1a2b3c4d5e6f)`), or `unknown` outside a
//! git checkout (a source archive).

use std::path::Path;
use std::process::Command;

fn main() {
    let commit = Command::new("git")
        .args(["rev-parse", "--short=12", "HEAD"])
        .output()
        .ok()
        .filter(|o| o.status.success())
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty());
    println!(
        "cargo:rustc-env=KUBEHA_COMMIT={}",
        commit.as_deref().unwrap_or("unknown")
    );
    println!("cargo:rerun-if-changed=build.rs");
    // Rerun when HEAD moves. Only paths that exist: in a git worktree `.git` is a file, and a
    // missing path would make every build rerun this script.
    for path in [".git/HEAD", ".git/refs/heads", ".git/packed-refs"] {
        if Path::new(path).exists() {
            println!("cargo:rerun-if-changed={path}");
        }
    }
}
