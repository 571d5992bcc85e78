//! `kubeha lsp` as an editor sees it: a child process speaking JSON-RPC over stdio.
#![allow(
    clippy::needless_pass_by_value,
    reason = "the client takes `json!` values, written inline at each call"
)]

use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

/// Long enough for a loaded CI machine; a passing test never waits for it.
const PATIENCE: Duration = Duration::from_secs(60);

struct Client {
    child: Child,
    stdin: ChildStdin,
    messages: Receiver<Value>,
    /// Messages read while waiting for something else.
    backlog: Vec<Value>,
    next_id: i64,
}

impl Client {
    fn start(root: &Path, capabilities: Value) -> Client {
        let mut child = Command::new(env!("CARGO_BIN_EXE_kubeha"))
            .arg("lsp")
            .current_dir(root)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap();
        let stdin = child.stdin.take().unwrap();
        let stdout = child.stdout.take().unwrap();
        let (tx, messages) = channel();
        std::thread::spawn(move || {
            let mut out = BufReader::new(stdout);
            loop {
                let mut length = 0;
                loop {
                    let mut line = String::new();
                    if out.read_line(&mut line).unwrap_or(0) == 0 {
                        return;
                    }
                    let line = line.trim_end();
                    if line.is_empty() {
                        break;
                    }
                    if let Some(v) = line.strip_prefix("Content-Length: ") {
                        length = v.parse().unwrap();
                    }
                }
                let mut body = vec![0; length];
                if out.read_exact(&mut body).is_err() {
                    return;
                }
                if tx.send(serde_json::from_slice(&body).unwrap()).is_err() {
                    return;
                }
            }
        });
        let mut client = Client {
            child,
            stdin,
            messages,
            backlog: Vec::new(),
            next_id: 0,
        };
        let root_uri = uri(root);
        let init = client.request(
            "initialize",
            json!({
                "processId": null,
                "capabilities": capabilities,
                "workspaceFolders": [{"uri": root_uri, "name": "ws"}],
            }),
        );
        assert!(
            init["result"]["capabilities"]["hoverProvider"] == json!(true),
            "{init}"
        );
        client.notify("initialized", json!({}));
        client
    }

    fn send_raw(&mut self, body: &[u8]) {
        write!(self.stdin, "Content-Length: {}\r\n\r\n", body.len()).unwrap();
        self.stdin.write_all(body).unwrap();
        self.stdin.flush().unwrap();
    }

    fn send(&mut self, message: &Value) {
        self.send_raw(message.to_string().as_bytes());
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(&json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    /// Sends a request and returns its response (other messages wait in the backlog).
    fn request(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        self.send(&json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        self.wait_for(|m| m["id"] == json!(id) && m.get("method").is_none())
    }

    /// The first message (from the backlog, then the server) that `matches`.
    fn wait_for(&mut self, matches: impl Fn(&Value) -> bool) -> Value {
        if let Some(i) = self.backlog.iter().position(&matches) {
            return self.backlog.remove(i);
        }
        let deadline = Instant::now() + PATIENCE;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.messages.recv_timeout(left) {
                Ok(m) if matches(&m) => return m,
                Ok(m) => self.backlog.push(m),
                Err(RecvTimeoutError::Timeout) => {
                    panic!("no such message; got {:#?}", self.backlog)
                }
                Err(RecvTimeoutError::Disconnected) => {
                    panic!("the server exited; got {:#?}", self.backlog)
                }
            }
        }
    }

    /// The next diagnostics published for `path` (the latest, when several are waiting).
    fn diagnostics(&mut self, path: &Path) -> Vec<Value> {
        let uri = uri(path);
        let is_for = |m: &Value| {
            m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == json!(uri)
        };
        let first = self.wait_for(is_for);
        // A later publication for the same file supersedes it; take what has arrived.
        std::thread::sleep(Duration::from_millis(50));
        while let Ok(m) = self.messages.try_recv() {
            self.backlog.push(m);
        }
        let mut latest = first;
        while let Some(i) = self.backlog.iter().position(is_for) {
            latest = self.backlog.remove(i);
        }
        latest["params"]["diagnostics"].as_array().unwrap().clone()
    }

    fn shutdown(mut self) {
        let r = self.request("shutdown", Value::Null);
        assert_eq!(r["result"], Value::Null, "{r}");
        self.notify("exit", Value::Null);
        let status = self.child.wait().unwrap();
        assert!(status.success(), "{status}");
    }
}

fn uri(path: &Path) -> String {
    let mut out = String::from("file://");
    for b in path.to_str().unwrap().bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn codes(diagnostics: &[Value]) -> Vec<String> {
    let mut codes: Vec<String> = diagnostics
        .iter()
        .map(|d| d["code"].as_str().unwrap().to_owned())
        .collect();
    codes.sort();
    codes
}

fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("lsp")
        .join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("k8s")).unwrap();
    std::fs::create_dir(dir.join(".git")).unwrap();
    dir.canonicalize().unwrap()
}

const DEPLOY: &str = "apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
spec:
  replicas: 3
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      topologySpreadConstraints:
        - {maxSkew: 1, topologyKey: kubernetes.io/hostname, whenUnsatisfiable: ScheduleAnyway, labelSelector: {matchLabels: {app: web}}}
      containers:
        - name: web
          image: nginx:1.27
          resources: {requests: {cpu: 100m, memory: 128Mi}, limits: {memory: 128Mi}}
          readinessProbe: {httpGet: {path: /ready, port: 80}}
          livenessProbe: {httpGet: {path: /live, port: 80}, periodSeconds: 20}
";

const PDB: &str = "apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: web, namespace: shop}
spec:
  maxUnavailable: 1
  selector: {matchLabels: {app: web}}
";

#[test]
fn a_session_cross_file_edits_hover_code_actions_config() {
    let root = scratch("session");
    let deploy = root.join("k8s/deploy.yaml");
    std::fs::write(&deploy, DEPLOY).unwrap();
    let mut c = Client::start(
        &root,
        json!({"general": {"positionEncodings": ["utf-8", "utf-16"]}}),
    );

    // The workspace load: the Deployment has no PDB.
    assert_eq!(codes(&c.diagnostics(&deploy)), ["missing-pdb"]);

    // Opening a new file with a PDB clears the finding in the other file.
    let pdb = root.join("k8s/pdb.yaml");
    c.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri(&pdb), "languageId": "yaml", "version": 1, "text": PDB}}),
    );
    assert_eq!(codes(&c.diagnostics(&deploy)), Vec::<String>::new());

    // An incremental edit of the open deploy.yaml: 3 replicas → 1.
    c.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri(&deploy), "languageId": "yaml", "version": 1, "text": DEPLOY}}),
    );
    c.notify(
        "textDocument/didChange",
        json!({
            "textDocument": {"uri": uri(&deploy), "version": 2},
            "contentChanges": [{"range": {"start": {"line": 6, "character": 12}, "end": {"line": 6, "character": 13}}, "text": "1"}],
        }),
    );
    let d = c.diagnostics(&deploy);
    assert!(codes(&d).contains(&"single-replica".to_owned()), "{d:#?}");
    let single = d
        .iter()
        .find(|d| d["code"] == "single-replica")
        .unwrap()
        .clone();
    assert_eq!(single["range"]["start"], json!({"line": 6, "character": 2}));
    assert!(
        single["codeDescription"]["href"]
            .as_str()
            .unwrap()
            .ends_with("rules/single-replica.md")
    );

    // Hover on it shows the rule's documentation.
    let hover = c.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri(&deploy)}, "position": {"line": 6, "character": 5}}),
    );
    let text = hover["result"]["contents"]["value"].as_str().unwrap();
    assert!(text.contains("single-replica"), "{text}");
    assert!(text.len() > 200, "the rule's doc: {text}");

    // "Ignore here" inserts a comment above the line; applying it clears the finding.
    let actions = c.request(
        "textDocument/codeAction",
        json!({
            "textDocument": {"uri": uri(&deploy)},
            "range": single["range"],
            "context": {"diagnostics": [single]},
        }),
    );
    let actions = actions["result"].as_array().unwrap();
    let ignore = actions
        .iter()
        .find(|a| {
            a["title"]
                .as_str()
                .unwrap()
                .starts_with("Ignore `single-replica` here")
        })
        .unwrap_or_else(|| panic!("{actions:#?}"));
    let edits = ignore["edit"]["changes"][uri(&deploy)].as_array().unwrap();
    assert_eq!(edits.len(), 1);
    assert_eq!(
        edits[0]["range"]["start"],
        json!({"line": 6, "character": 0})
    );
    let inserted = edits[0]["newText"].as_str().unwrap();
    assert!(
        inserted.starts_with("  # kubeha: ignore[single-replica] "),
        "{inserted}"
    );
    c.notify(
        "textDocument/didChange",
        json!({
            "textDocument": {"uri": uri(&deploy), "version": 3},
            "contentChanges": [{"range": edits[0]["range"], "text": inserted}],
        }),
    );
    assert_eq!(codes(&c.diagnostics(&deploy)), Vec::<String>::new());

    // A config change: a broken `.kubeha.yaml` is a diagnostic on it, not a dead server;
    // a good one takes effect.
    let config = root.join(".kubeha.yaml");
    std::fs::write(&config, "rules: {single-replicaa: off}\n").unwrap();
    c.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": uri(&config), "type": 1}]}),
    );
    let d = c.diagnostics(&config);
    assert_eq!(d.len(), 1, "{d:#?}");
    assert!(
        d[0]["message"].as_str().unwrap().contains("single-replica"),
        "{d:#?}"
    );
    std::fs::write(&config, "rules: {missing-pdb: off}\n").unwrap();
    c.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": uri(&config), "type": 2}]}),
    );
    assert_eq!(c.diagnostics(&config), Vec::<Value>::new());
    // Closing the PDB's buffer: the file is not on disk, and missing-pdb is off now.
    c.notify(
        "textDocument/didClose",
        json!({"textDocument": {"uri": uri(&pdb)}}),
    );
    let r = c.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri(&deploy)}, "position": {"line": 0, "character": 0}}),
    );
    assert_eq!(r["result"], Value::Null, "{r}");
    c.shutdown();
}

#[test]
fn columns_are_utf16_unless_the_client_offers_utf8() {
    let root = scratch("utf16");
    let file = root.join("k8s/app.yaml");
    // `é` (2 bytes, 1 UTF-16 unit) and `😀` (4 bytes, 2 units) before the finding's key.
    let text = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: w, namespace: s}\nspec:\n  selector: {matchLabels: {app: w}}\n  template:\n    metadata: {labels: {app: w}}\n    spec: {containers: [{env: [{name: A, value: \"é😀\"}], name: w, image: \"nginx:latest\"}]}\n";
    std::fs::write(&file, text).unwrap();
    for (caps, column) in [
        (json!({}), 66),
        (json!({"general": {"positionEncodings": ["utf-16"]}}), 66),
        (
            json!({"general": {"positionEncodings": ["utf-8", "utf-16"]}}),
            69,
        ),
    ] {
        let mut c = Client::start(&root, caps.clone());
        let d = c.diagnostics(&file);
        let tag = d
            .iter()
            .find(|d| d["code"] == "mutable-image-tag")
            .unwrap_or_else(|| panic!("{d:#?}"));
        assert_eq!(tag["range"]["start"]["line"], 7);
        assert_eq!(tag["range"]["start"]["character"], column, "{caps}: {tag}");
        c.shutdown();
    }
}

#[test]
fn bad_input_never_kills_the_server() {
    let root = scratch("hostile");
    let bad = root.join("k8s/bad.yaml");
    std::fs::write(
        &bad,
        b"apiVersion: v1\nkind: ConfigMap\nmetadata: {name: \xff\xfe}\n",
    )
    .unwrap();
    let mut c = Client::start(&root, json!({}));
    // Invalid UTF-8 on disk: a diagnostic (and, as in `check`, the cross-object rules of the
    // namespaces it may hold — `default` — say nothing; the files below use others).
    let d = c.diagnostics(&bad);
    assert_eq!(codes(&d), ["invalid-yaml"], "{d:#?}");

    // Not JSON; a request with invalid params; an unknown method.
    c.send_raw(b"{not json");
    let log = c.wait_for(|m| m["method"] == "window/logMessage");
    assert!(
        log["params"]["message"]
            .as_str()
            .unwrap()
            .contains("malformed"),
        "{log}"
    );
    let r = c.request("textDocument/hover", json!({"textDocument": 7}));
    assert_eq!(r["error"]["code"], -32602, "{r}");
    let r = c.request("kubeha/nothing", json!({}));
    assert_eq!(r["error"]["code"], -32601, "{r}");

    // A 20 MB buffer: linted (or refused with a diagnostic), and the server answers after it.
    let big = root.join("k8s/big.yaml");
    let mut text = String::from(
        "apiVersion: v1\nkind: Service\nmetadata: {name: s, namespace: big}\nspec: {selector: {app: none}, ports: [{port: 80}]}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: big}\ndata:\n",
    );
    let mut i = 0;
    while text.len() < 20 << 20 {
        i += 1;
        text.push_str(&format!("  key-{i:060}: value\n"));
    }
    c.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri(&big), "languageId": "yaml", "version": 1, "text": text}}),
    );
    let d = c.diagnostics(&big);
    assert_eq!(codes(&d), ["service-selects-nothing"]);
    let r = c.request("kubeha/nothing", json!({}));
    assert_eq!(r["error"]["code"], -32601, "{r}");

    // An open file deleted on disk, then closed: its diagnostics are cleared.
    let gone = root.join("k8s/gone.yaml");
    std::fs::write(&gone, "apiVersion: v1\nkind: Service\nmetadata: {name: s, namespace: gone}\nspec: {selector: {app: none}, ports: [{port: 80}]}\n").unwrap();
    c.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": uri(&gone), "type": 1}]}),
    );
    assert!(!c.diagnostics(&gone).is_empty());
    c.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri(&gone), "languageId": "yaml", "version": 1, "text": std::fs::read_to_string(&gone).unwrap()}}),
    );
    std::fs::remove_file(&gone).unwrap();
    c.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": uri(&gone), "type": 3}]}),
    );
    c.notify(
        "textDocument/didClose",
        json!({"textDocument": {"uri": uri(&gone)}}),
    );
    assert_eq!(c.diagnostics(&gone), Vec::<Value>::new());

    // A change to a document that was never opened, positions past the end: ignored.
    c.notify(
        "textDocument/didChange",
        json!({
            "textDocument": {"uri": uri(&bad), "version": 9},
            "contentChanges": [{"range": {"start": {"line": 99, "character": 99}, "end": {"line": 0, "character": 0}}, "text": "x"}],
        }),
    );
    let r = c.request("kubeha/nothing", json!({}));
    assert_eq!(r["error"]["code"], -32601, "{r}");
    c.shutdown();
}

#[test]
fn a_fix_from_the_code_action_clears_its_finding() {
    let root = scratch("fix");
    let file = root.join("k8s/cm.yaml");
    let text = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: flags, namespace: x}\ndata:\n  enabled: yes\n  verbose: on\n";
    std::fs::write(&file, text).unwrap();
    let mut c = Client::start(&root, json!({}));
    c.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri(&file), "languageId": "yaml", "version": 1, "text": text}}),
    );
    let d = c.diagnostics(&file);
    assert_eq!(
        codes(&d),
        ["ambiguous-scalar", "ambiguous-scalar"],
        "{d:#?}"
    );
    // One quick fix, preferred, for the first; then every safe fix of the file at once.
    let first = d.iter().find(|d| d["range"]["start"]["line"] == 4).unwrap();
    let r = c.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri(&file)}, "range": first["range"], "context": {"diagnostics": [first]}}),
    );
    let actions = r["result"].as_array().unwrap();
    let fix = actions
        .iter()
        .find(|a| a["isPreferred"] == json!(true))
        .unwrap_or_else(|| panic!("{actions:#?}"));
    assert_eq!(fix["kind"], "quickfix");
    let r = c.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri(&file)}, "range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}}, "context": {"diagnostics": [], "only": ["source.fixAll"]}}),
    );
    let all = &r["result"].as_array().unwrap()[0];
    let mut edits: Vec<Value> = all["edit"]["changes"][uri(&file)]
        .as_array()
        .unwrap()
        .clone();
    assert_eq!(edits.len(), 2, "{all:#}");
    // Apply them last first, so the earlier ranges stay true.
    edits.sort_by_key(|e| std::cmp::Reverse(e["range"]["start"]["line"].as_u64()));
    let changes: Vec<Value> = edits
        .iter()
        .map(|e| json!({"range": e["range"], "text": e["newText"]}))
        .collect();
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri(&file), "version": 2}, "contentChanges": changes}),
    );
    assert_eq!(c.diagnostics(&file), Vec::<Value>::new());
    c.shutdown();
}

#[test]
fn each_file_has_its_nearest_config_as_check_does() {
    // The repository's config switches `single-replica` off; production's makes it an error
    // and has an `ignore:` entry that matches nothing.
    let root = scratch("per-file-config");
    let one = DEPLOY.replace("replicas: 3", "replicas: 1");
    std::fs::write(root.join(".kubeha.yaml"), "rules: {single-replica: off}\n").unwrap();
    let base = root.join("k8s/deploy.yaml");
    std::fs::write(&base, &one).unwrap();
    std::fs::create_dir_all(root.join("prod")).unwrap();
    let prod_config = root.join("prod/.kubeha.yaml");
    std::fs::write(
        &prod_config,
        "rules: {single-replica: error}\nignore:\n  - {path: gone.yaml, reason: removed}\n",
    )
    .unwrap();
    let prod = root.join("prod/deploy.yaml");
    std::fs::write(&prod, one.replace("name: web", "name: web-prod")).unwrap();
    let mut c = Client::start(&root, json!({}));
    // (`k8s/deploy.yaml` has no diagnostic to publish; production's file shows the configs apart.)
    let d = c.diagnostics(&prod);
    assert_eq!(codes(&d), ["single-replica"], "{d:#?}");
    assert_eq!(d[0]["severity"], 1, "an error under production's config");
    assert_eq!(codes(&c.diagnostics(&prod_config)), ["unused-suppression"]);

    // Production's config broken in the editor: a diagnostic on it, and its previous version
    // still governs production's files.
    c.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri(&prod_config), "languageId": "yaml", "version": 1, "text": "rules: {single-replcia: error}\n"}}),
    );
    let d = c.diagnostics(&prod_config);
    assert_eq!(codes(&d), ["config"], "{d:#?}");
    assert!(
        d[0]["message"].as_str().unwrap().contains("single-replica"),
        "{d:#?}"
    );
    // The repository's file under the repository's config: editing it to another problem
    // shows that one, and still no `single-replica`.
    c.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri(&base), "languageId": "yaml", "version": 1, "text": one.replace("image: nginx:1.27", "image: nginx")}}),
    );
    assert_eq!(codes(&c.diagnostics(&base)), ["mutable-image-tag"]);
    c.shutdown();
}
