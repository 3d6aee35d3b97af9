//! Records the commit the program was built from, and whether the work tree had changes,
//! for the provenance in a batch's manifest.json. Without git or a repository (a source
//! tarball) both read "unknown"; nothing here can fail the build.

use std::path::Path;
use std::process::Command;

fn git(args: &[&str]) -> Option<String> {
    let out = Command::new("git").args(args).output().ok()?;
    out.status.success().then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
}

fn main() {
    // A build without the repository (a container image's build context) may say which
    // commit it is: TTX_BUILD_COMMIT, and TTX_BUILD_DIRTY ("true" or "false").
    println!("cargo:rerun-if-env-changed=TTX_BUILD_COMMIT");
    println!("cargo:rerun-if-env-changed=TTX_BUILD_DIRTY");
    let given = std::env::var("TTX_BUILD_COMMIT").ok().filter(|c| !c.trim().is_empty());
    let commit = given.clone().or_else(|| git(&["rev-parse", "HEAD"]).filter(|c| !c.is_empty()));
    let dirty = match (&given, &commit) {
        (Some(_), _) => std::env::var("TTX_BUILD_DIRTY").ok().filter(|d| d == "true" || d == "false"),
        (None, Some(_)) => git(&["status", "--porcelain", "--untracked-files=no"])
            .map(|s| if s.is_empty() { "false".to_string() } else { "true".to_string() }),
        (None, None) => None,
    };
    println!("cargo:rustc-env=TTX_BUILD_COMMIT={}", commit.as_deref().unwrap_or("unknown").trim());
    println!("cargo:rustc-env=TTX_BUILD_DIRTY={}", dirty.as_deref().unwrap_or("unknown"));
    // Run again when the commit or the index moves; edits to the sources rebuild anyway.
    println!("cargo:rerun-if-changed=build.rs");
    for dir in
        [git(&["rev-parse", "--git-dir"]), git(&["rev-parse", "--git-common-dir"])].into_iter().flatten()
    {
        for f in ["HEAD", "index", "packed-refs", "refs/heads"] {
            let p = Path::new(&dir).join(f);
            if p.exists() {
                println!("cargo:rerun-if-changed={}", p.display());
            }
        }
    }
    for d in ["src", "engine/src", "tui/src", "Cargo.toml", "Cargo.lock"] {
        if Path::new(d).exists() {
            println!("cargo:rerun-if-changed={d}");
        }
    }
}
