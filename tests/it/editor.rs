//! A real editor against `kubeha lsp`: Neovim (Debian's `neovim`, 0.7+), headless, driven by
//! `tests/editor/neovim.lua`. `.ci/run` installs Neovim and sets `KUBEHA_REQUIRE_NVIM`, so CI
//! never skips this; a machine without Neovim skips it and says so.

use std::path::Path;
use std::process::Command;

const MANIFEST: &str = "apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
spec:
  replicas: 1
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: web
          image: nginx:1.27
";

#[test]
fn neovim_shows_diagnostics_and_applies_a_code_action() {
    if Command::new("nvim").arg("--version").output().is_err() {
        assert!(
            std::env::var_os("KUBEHA_REQUIRE_NVIM").is_none(),
            "KUBEHA_REQUIRE_NVIM is set but `nvim` is not installed"
        );
        eprintln!("SKIPPED: nvim is not installed (apt-get install neovim); .ci/run installs it");
        return;
    }
    let root = Path::new(env!("CARGO_TARGET_TMPDIR")).join("editor-neovim");
    let _ = std::fs::remove_dir_all(&root);
    std::fs::create_dir_all(root.join(".git")).unwrap();
    let file = root.join("deploy.yaml");
    std::fs::write(&file, MANIFEST).unwrap();
    let result = root.join("result.txt");
    let output = Command::new("nvim")
        .args(["--headless", "--clean", "-n", "-c"])
        .arg(format!(
            "luafile {}",
            crate::repo().join("tests/editor/neovim.lua").display()
        ))
        .env("KUBEHA_BIN", env!("CARGO_BIN_EXE_kubeha"))
        .env("KUBEHA_ROOT", &root)
        .env("KUBEHA_FILE", &file)
        .env("KUBEHA_RESULT", &result)
        .current_dir(&root)
        .output()
        .unwrap();
    let said = std::fs::read_to_string(&result).unwrap_or_default();
    assert!(
        output.status.success(),
        "{said}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        said.contains("before: ") && said.contains("single-replica"),
        "{said}"
    );
    assert!(
        said.contains("action: Ignore `single-replica` here"),
        "{said}"
    );
    let after = said
        .lines()
        .find(|l| l.starts_with("after: "))
        .unwrap_or_else(|| panic!("{said}"));
    assert!(!after.contains("single-replica"), "{said}");
    assert!(
        after.contains("missing-resource-requests"),
        "the other findings stay: {said}"
    );
    // The file Neovim wrote: the comment above `replicas:`, every other byte as it was.
    let written = std::fs::read_to_string(&file).unwrap();
    let expected = MANIFEST.replace(
        "  replicas: 1\n",
        "  # kubeha: ignore[single-replica] TODO: say why this does not apply\n  replicas: 1\n",
    );
    assert_eq!(written, expected);
}
