//! `kubeha lsp`: a language server over stdio (`lsp-server` for the message types, its
//! synchronous design, `lsp-types` for the protocol), calling the same [`crate::analyze::analyze`] as
//! `kubeha check`.
//!
//! The server keeps a [`Workspace`] of every manifest under the workspace folders (the same
//! discovery, `.gitignore`, `.kubeha.yaml` and limits as `check`). An open document's buffer
//! wins over the file on disk. An edit re-loads only that file, re-runs the rules over the
//! whole workspace, and publishes diagnostics for every file whose findings changed (a PDB
//! added in one file clears `missing-pdb` in another).
//!
//! Bursts of edits do not queue work: every message that has arrived is applied before the
//! rules run again, so a run is never spent on a state that is already stale.

pub mod convert;
pub mod transport;

use std::collections::HashMap;
use std::fmt::Write as _;
use std::io;
use std::path::{Path, PathBuf};

use lsp_server::{Connection, ErrorCode, Message, Notification, Request, RequestId, Response};
use lsp_types::notification::Notification as _;
use lsp_types::request::Request as _;
use lsp_types::{
    CodeAction, CodeActionKind, CodeActionOptions, CodeActionOrCommand, CodeActionParams,
    CodeActionProviderCapability, Diagnostic, DiagnosticSeverity, DidChangeTextDocumentParams,
    DidChangeWatchedFilesParams, DidChangeWatchedFilesRegistrationOptions,
    DidChangeWorkspaceFoldersParams, DidCloseTextDocumentParams, DidOpenTextDocumentParams,
    DidSaveTextDocumentParams, FileChangeType, FileSystemWatcher, GlobPattern, Hover,
    HoverContents, HoverParams, HoverProviderCapability, InitializeParams, InitializeResult,
    LogMessageParams, MarkupContent, MarkupKind, MessageType, PositionEncodingKind,
    PublishDiagnosticsParams, Registration, RegistrationParams, ServerCapabilities, ServerInfo,
    TextDocumentSyncCapability, TextDocumentSyncKind, TextDocumentSyncOptions,
    TextDocumentSyncSaveOptions, TextEdit, Uri, WorkspaceEdit,
};

use crate::analyze::analyze_set;
use crate::config::{Config, ConfigError};
use crate::configs::{ConfigSet, Resolver};
use crate::discover::{Input, InputFile, ReadError, read_file_limited, read_inputs, walk_skips};
use crate::finding::{Applicability, Finding};
use crate::load::Workspace;
use crate::report::Report;
use crate::source::{FileId, LineIndex, Role, SourceFile, Span};
use std::sync::Arc;

use convert::Encoding;

/// What an "ignore" code action writes as the reason, for the user to replace.
const REASON: &str = "TODO: say why this does not apply";

/// Serves the protocol on stdin/stdout until `exit`.
pub fn run_stdio() -> io::Result<()> {
    let (connection, threads) = transport::connect(io::BufReader::new(io::stdin()), io::stdout())?;
    let result = serve(&connection);
    drop(connection);
    threads.join()?;
    result
}

/// Serves the protocol on `connection` until `exit` (or the client goes away).
pub fn serve(connection: &Connection) -> io::Result<()> {
    let Some((id, params)) = wait_for_initialize(connection) else {
        return Ok(());
    };
    let params: InitializeParams = serde_json::from_value(params).unwrap_or_default();
    let mut server = Server::new(connection, &params);
    let result = InitializeResult {
        capabilities: server.capabilities(),
        server_info: Some(ServerInfo {
            name: "kubeha".to_owned(),
            version: Some(env!("CARGO_PKG_VERSION").to_owned()),
        }),
    };
    server.respond(Response::new_ok(id, result));
    server.main_loop();
    Ok(())
}

/// The `initialize` request's id and params; requests before it get `ServerNotInitialized`.
fn wait_for_initialize(connection: &Connection) -> Option<(RequestId, serde_json::Value)> {
    for message in &connection.receiver {
        match message {
            Message::Request(r) if r.method == "initialize" => return Some((r.id, r.params)),
            Message::Request(r) => {
                let _ = connection.sender.send(
                    Response::new_err(
                        r.id,
                        ErrorCode::ServerNotInitialized as i32,
                        "the server is not initialized yet".to_owned(),
                    )
                    .into(),
                );
            }
            Message::Notification(n) if n.method == "exit" => return None,
            Message::Notification(_) | Message::Response(_) => {}
        }
    }
    None
}

/// A file of the workspace, as the server knows it beside what the workspace loaded.
struct FileMeta {
    path: PathBuf,
    name: String,
    /// Found by walking a workspace folder (a non-manifest YAML is then skipped quietly).
    walked: bool,
}

struct Server<'c> {
    connection: &'c Connection,
    encoding: Encoding,
    roots: Vec<PathBuf>,
    watch_files: bool,
    /// Each file's nearest `.kubeha.yaml`, as `check` finds them (`crate::configs`).
    configs: ConfigSet,
    /// Configs that do not parse: a diagnostic on each, and its previous version stays.
    config_errors: Vec<(PathBuf, Diagnostic)>,
    workspace: Workspace,
    files: Vec<FileMeta>,
    file_of: HashMap<PathBuf, FileId>,
    /// Open documents: their buffer and version win over the disk.
    open: HashMap<PathBuf, (i32, String)>,
    report: Report,
    /// By URI (a string: `Uri` has interior mutability, so it is no map key).
    published: HashMap<String, Vec<Diagnostic>>,
    /// The workspace changed since the rules last ran.
    dirty: bool,
    shutdown: bool,
    next_id: i32,
}

impl<'c> Server<'c> {
    fn new(connection: &'c Connection, params: &InitializeParams) -> Self {
        let offers_utf8 = params
            .capabilities
            .general
            .as_ref()
            .and_then(|g| g.position_encodings.as_ref())
            .is_some_and(|e| e.contains(&PositionEncodingKind::UTF8));
        let mut roots: Vec<PathBuf> = params
            .workspace_folders
            .iter()
            .flatten()
            .filter_map(|f| convert::path_of(&f.uri))
            .collect();
        #[allow(
            deprecated,
            reason = "clients without workspace folders still send rootUri"
        )]
        if roots.is_empty()
            && let Some(path) = params.root_uri.as_ref().and_then(convert::path_of)
        {
            roots.push(path);
        }
        // Reported names are relative to the (first) workspace folder, as `check` run there.
        if let Some(root) = roots.first() {
            let _ = std::env::set_current_dir(root);
        }
        let watch_files = params
            .capabilities
            .workspace
            .as_ref()
            .and_then(|w| w.did_change_watched_files.as_ref())
            .and_then(|w| w.dynamic_registration)
            .unwrap_or(false);
        Server {
            connection,
            encoding: if offers_utf8 {
                Encoding::Utf8
            } else {
                Encoding::Utf16
            },
            roots,
            watch_files,
            configs: ConfigSet::single(Config::default()),
            config_errors: Vec::new(),
            workspace: Workspace::default(),
            files: Vec::new(),
            file_of: HashMap::new(),
            open: HashMap::new(),
            report: Report::default(),
            published: HashMap::new(),
            dirty: false,
            shutdown: false,
            next_id: 0,
        }
    }

    fn capabilities(&self) -> ServerCapabilities {
        ServerCapabilities {
            position_encoding: Some(match self.encoding {
                Encoding::Utf8 => PositionEncodingKind::UTF8,
                Encoding::Utf16 => PositionEncodingKind::UTF16,
            }),
            text_document_sync: Some(TextDocumentSyncCapability::Options(
                TextDocumentSyncOptions {
                    open_close: Some(true),
                    change: Some(TextDocumentSyncKind::INCREMENTAL),
                    save: Some(TextDocumentSyncSaveOptions::Supported(true)),
                    ..TextDocumentSyncOptions::default()
                },
            )),
            hover_provider: Some(HoverProviderCapability::Simple(true)),
            code_action_provider: Some(CodeActionProviderCapability::Options(CodeActionOptions {
                code_action_kinds: Some(vec![
                    CodeActionKind::QUICKFIX,
                    CodeActionKind::SOURCE_FIX_ALL,
                ]),
                ..CodeActionOptions::default()
            })),
            ..ServerCapabilities::default()
        }
    }

    fn send(&self, message: Message) {
        // The writer is gone only when the client is: the loop ends on the closed receiver.
        let _ = self.connection.sender.send(message);
    }

    fn respond(&self, response: Response) {
        self.send(response.into());
    }

    fn notify<N: lsp_types::notification::Notification>(&self, params: N::Params) {
        self.send(Notification::new(N::METHOD.to_owned(), params).into());
    }

    fn log(&self, typ: MessageType, message: String) {
        self.notify::<lsp_types::notification::LogMessage>(LogMessageParams { typ, message });
    }

    fn main_loop(&mut self) {
        let receiver = self.connection.receiver.clone();
        while let Ok(message) = receiver.recv() {
            if self.handle(message) {
                return;
            }
            // Apply everything that has arrived before running the rules again.
            while let Ok(message) = receiver.try_recv() {
                if self.handle(message) {
                    return;
                }
            }
            if self.dirty {
                self.relint();
            }
        }
    }

    /// Handles one message; `true` on `exit`.
    fn handle(&mut self, message: Message) -> bool {
        match message {
            Message::Request(request) => self.request(request),
            Message::Notification(n) if n.method == "exit" => return true,
            Message::Notification(n) => self.notification(n),
            Message::Response(_) => {}
        }
        false
    }

    fn request(&mut self, request: Request) {
        let id = request.id.clone();
        if self.shutdown {
            self.respond(Response::new_err(
                id,
                ErrorCode::InvalidRequest as i32,
                "the server is shutting down".to_owned(),
            ));
            return;
        }
        let response = match request.method.as_str() {
            lsp_types::request::Shutdown::METHOD => {
                self.shutdown = true;
                Response::new_ok(id, ())
            }
            lsp_types::request::HoverRequest::METHOD => {
                match serde_json::from_value::<HoverParams>(request.params) {
                    Ok(params) => {
                        self.fresh();
                        Response::new_ok(id, self.hover(&params))
                    }
                    Err(e) => invalid_params(id, &e),
                }
            }
            lsp_types::request::CodeActionRequest::METHOD => {
                match serde_json::from_value::<CodeActionParams>(request.params) {
                    Ok(params) => {
                        self.fresh();
                        Response::new_ok(id, self.code_actions(&params))
                    }
                    Err(e) => invalid_params(id, &e),
                }
            }
            method => Response::new_err(
                id,
                ErrorCode::MethodNotFound as i32,
                format!("kubeha does not serve `{method}`"),
            ),
        };
        self.respond(response);
    }

    fn notification(&mut self, n: Notification) {
        use lsp_types::notification as ls;
        let method = n.method.clone();
        let outcome = match method.as_str() {
            ls::Initialized::METHOD => {
                self.initialized();
                Ok(())
            }
            ls::DidOpenTextDocument::METHOD => parse(n).map(|p: DidOpenTextDocumentParams| {
                let doc = p.text_document;
                self.opened(&doc.uri, doc.version, doc.text);
            }),
            ls::DidChangeTextDocument::METHOD => {
                parse(n).map(|p: DidChangeTextDocumentParams| self.changed(&p))
            }
            ls::DidSaveTextDocument::METHOD => parse(n).map(|p: DidSaveTextDocumentParams| {
                if let Some(path) = convert::path_of(&p.text_document.uri)
                    && Self::is_config(&path)
                {
                    self.reload();
                }
            }),
            ls::DidCloseTextDocument::METHOD => {
                parse(n).map(|p: DidCloseTextDocumentParams| self.closed(&p.text_document.uri))
            }
            ls::DidChangeWatchedFiles::METHOD => {
                parse(n).map(|p: DidChangeWatchedFilesParams| self.watched(&p))
            }
            ls::DidChangeWorkspaceFolders::METHOD => {
                parse(n).map(|p: DidChangeWorkspaceFoldersParams| {
                    let removed: Vec<PathBuf> = p
                        .event
                        .removed
                        .iter()
                        .filter_map(|f| convert::path_of(&f.uri))
                        .collect();
                    self.roots.retain(|r| !removed.contains(r));
                    self.roots.extend(
                        p.event
                            .added
                            .iter()
                            .filter_map(|f| convert::path_of(&f.uri)),
                    );
                    self.reload();
                })
            }
            transport::MALFORMED => {
                let why = n
                    .params
                    .get("message")
                    .and_then(|m| m.as_str())
                    .unwrap_or("");
                Err(format!("ignored a malformed message: {why}"))
            }
            // `$/cancelRequest`, `$/setTrace`, configuration changes: nothing to do.
            _ => Ok(()),
        };
        if let Err(why) = outcome {
            self.log(MessageType::ERROR, format!("kubeha: {method}: {why}"));
        }
    }

    fn initialized(&mut self) {
        if self.watch_files {
            let options = DidChangeWatchedFilesRegistrationOptions {
                watchers: vec![FileSystemWatcher {
                    glob_pattern: GlobPattern::String("**/*.{yaml,yml}".to_owned()),
                    kind: None,
                }],
            };
            let params = RegistrationParams {
                registrations: vec![Registration {
                    id: "kubeha-watched-files".to_owned(),
                    method: lsp_types::notification::DidChangeWatchedFiles::METHOD.to_owned(),
                    register_options: serde_json::to_value(options).ok(),
                }],
            };
            self.next_id += 1;
            self.send(
                Request::new(
                    RequestId::from(self.next_id),
                    lsp_types::request::RegisterCapability::METHOD.to_owned(),
                    params,
                )
                .into(),
            );
        }
        self.reload();
    }

    /// Reads the configuration and every file of the workspace again.
    fn reload(&mut self) {
        let root = self
            .roots
            .first()
            .cloned()
            .unwrap_or_else(crate::discover::current_dir);
        let errors = std::sync::Mutex::new(Vec::new());
        let load = |path: Option<&Path>| {
            let (config, error) = self.read_config(path);
            if let Some(e) = error {
                errors
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner)
                    .push(e);
            }
            Ok(config)
        };
        let inputs: Vec<Input> = self.roots.iter().cloned().map(Input::Path).collect();
        let found = Resolver::new(&root, &load).and_then(|resolver| {
            let read = read_inputs(&inputs, &resolver);
            let configs = resolver.finish(&read)?;
            Ok((read, configs))
        });
        // The loader reports a broken config as a diagnostic and never fails.
        let Ok((mut read, configs)) = found else {
            return;
        };
        self.config_errors = errors
            .into_inner()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        self.configs = configs;
        read.partial = false;
        self.files.clear();
        self.file_of.clear();
        for (i, f) in read.files.iter_mut().enumerate() {
            let i = FileId::new(i);
            let Some(path) = f.path.clone() else { continue };
            if let Some((_, text)) = self.open.get(&path) {
                f.content = buffer_content(text, self.configs.of(i));
            }
            self.file_of.insert(path.clone(), i);
            self.files.push(FileMeta {
                path,
                name: f.name.clone(),
                walked: f.walked,
            });
        }
        self.workspace = Workspace::load_set(read, &self.configs);
        // Open documents the walk did not find (outside the folders, or new).
        let mut extra: Vec<PathBuf> = self
            .open
            .keys()
            .filter(|p| !self.file_of.contains_key(*p))
            .cloned()
            .collect();
        extra.sort();
        for path in extra {
            self.add_file(path);
        }
        self.dirty = true;
    }

    /// The config at `path` (`None`: the defaults): its open buffer, else the disk. One that
    /// does not parse comes with its diagnostic, and its previous version stays in force.
    fn read_config(&self, path: Option<&Path>) -> (Config, Option<(PathBuf, Diagnostic)>) {
        let Some(path) = path else {
            return (Config::default(), None);
        };
        let parsed = match self.open.get(path) {
            Some((_, text)) => {
                let base = path.parent().unwrap_or(Path::new("/"));
                let name = crate::discover::display_name(path, &crate::discover::current_dir());
                Config::parse_in(&name, text, base).map(|mut c| {
                    c.path = Some(path.to_owned());
                    c.base_dir = Some(base.to_owned());
                    c
                })
            }
            None => Config::from_file(path),
        };
        match parsed {
            Ok(config) => (config, None),
            Err(e) => {
                let previous = self
                    .configs
                    .find(Some(path))
                    .and_then(|i| self.configs.configs().get(i).cloned())
                    .unwrap_or_else(|| {
                        let mut defaults = Config::default();
                        defaults.path = Some(path.to_owned());
                        defaults
                    });
                (
                    previous,
                    Some((path.to_owned(), self.config_diagnostic(&e))),
                )
            }
        }
    }

    fn config_diagnostic(&self, e: &ConfigError) -> Diagnostic {
        let text = e.source_code.inner();
        let lines = LineIndex::new(text);
        let span = e.span.map_or(Span::empty(0), |s| {
            let start = u32::try_from(s.offset()).unwrap_or(u32::MAX);
            let end = u32::try_from(s.offset() + s.len()).unwrap_or(u32::MAX);
            Span::new(start, end)
        });
        let mut message = e.message.clone();
        if let Some(help) = &e.help {
            message.push_str("\nhelp: ");
            message.push_str(help);
        }
        Diagnostic {
            range: lsp_types::Range::new(
                convert::position(text, &lines, span.start, self.encoding),
                convert::position(text, &lines, span.end, self.encoding),
            ),
            severity: Some(DiagnosticSeverity::ERROR),
            code: Some(lsp_types::NumberOrString::String("config".to_owned())),
            source: Some("kubeha".to_owned()),
            message: format!("{message}\n(kubeha keeps using the previous configuration)"),
            ..Diagnostic::default()
        }
    }

    /// A `.kubeha.yaml` anywhere: a change to one may change which config governs a file.
    fn is_config(path: &Path) -> bool {
        path.file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| crate::config::FILE_NAMES.contains(&n))
    }

    /// File `i` as it is now: the open buffer, else the disk (a deleted file is empty).
    fn input(&self, i: FileId) -> Option<InputFile> {
        let meta = self.files.get(i.index())?;
        let limit = self.configs.of(i).limits.max_file_bytes;
        let content = match self.open.get(&meta.path) {
            Some((_, text)) => buffer_content(text, self.configs.of(i)),
            None => match read_file_limited(&meta.path, limit) {
                Err(ReadError::Io(_)) if !meta.path.exists() => Ok(Vec::new()),
                other => other,
            },
        };
        Some(InputFile {
            name: meta.name.clone(),
            path: Some(meta.path.clone()),
            role: Role::Linted,
            walked: meta.walked,
            stdin: false,
            content,
        })
    }

    fn refresh(&mut self, i: FileId) {
        if let Some(input) = self.input(i) {
            self.workspace.replace(i, &input, self.configs.of(i));
            self.dirty = true;
        }
    }

    /// Adds a file the walk did not find, unless a walk would skip it (a Helm chart source,
    /// a kustomization, an excluded path).
    fn add_file(&mut self, path: PathBuf) {
        if self.file_of.contains_key(&path) {
            return;
        }
        let nearest = path.parent().and_then(crate::configs::nearest_config);
        let group = if let Some(group) = self.configs.find(nearest.as_deref()) {
            group
        } else {
            let (config, error) = self.read_config(nearest.as_deref());
            self.config_errors.extend(error);
            self.configs.add(config)
        };
        let config = self
            .configs
            .configs()
            .get(group)
            .unwrap_or(self.configs.run());
        if walk_skips(&path, config).is_some() {
            return;
        }
        self.configs.push_file(group);
        let name = crate::discover::display_name(&path, &crate::discover::current_dir());
        self.files.push(FileMeta {
            path: path.clone(),
            name,
            walked: true,
        });
        let i = FileId::new(self.files.len() - 1);
        self.file_of.insert(path, i);
        if let Some(input) = self.input(i) {
            self.workspace.push(&input, self.configs.of(i));
        }
        self.dirty = true;
    }

    fn opened(&mut self, uri: &Uri, version: i32, text: String) {
        let Some(path) = convert::path_of(uri) else {
            return;
        };
        self.open.insert(path.clone(), (version, text));
        self.buffer_changed(path);
    }

    fn buffer_changed(&mut self, path: PathBuf) {
        if Self::is_config(&path) {
            self.reload();
        } else if let Some(&i) = self.file_of.get(&path) {
            self.refresh(i);
        } else {
            self.add_file(path);
        }
    }

    fn changed(&mut self, params: &DidChangeTextDocumentParams) {
        let Some(path) = convert::path_of(&params.text_document.uri) else {
            return;
        };
        let encoding = self.encoding;
        let Some((version, text)) = self.open.get_mut(&path) else {
            return;
        };
        *version = params.text_document.version;
        for change in &params.content_changes {
            match change.range {
                None => text.clone_from(&change.text),
                Some(range) => {
                    let lines = LineIndex::new(text);
                    let start = convert::offset(text, &lines, range.start, encoding);
                    let end = convert::offset(text, &lines, range.end, encoding).max(start);
                    text.replace_range(start..end, &change.text);
                }
            }
        }
        self.buffer_changed(path);
    }

    fn closed(&mut self, uri: &Uri) {
        let Some(path) = convert::path_of(uri) else {
            return;
        };
        if self.open.remove(&path).is_none() {
            return;
        }
        if Self::is_config(&path) {
            self.reload();
        } else if let Some(&i) = self.file_of.get(&path) {
            self.refresh(i);
        }
    }

    fn watched(&mut self, params: &DidChangeWatchedFilesParams) {
        let mut reload = false;
        for event in &params.changes {
            let Some(path) = convert::path_of(&event.uri) else {
                continue;
            };
            if Self::is_config(&path) {
                reload = true;
                continue;
            }
            if self.open.contains_key(&path) {
                continue;
            }
            match self.file_of.get(&path) {
                Some(&i) => self.refresh(i),
                None if event.typ != FileChangeType::DELETED
                    && self.roots.iter().any(|r| path.starts_with(r)) =>
                {
                    self.add_file(path);
                }
                None => {}
            }
        }
        if reload {
            self.reload();
        }
    }

    /// Runs the rules if anything changed, so that a request sees the current buffers.
    fn fresh(&mut self) {
        if self.dirty {
            self.relint();
        }
    }

    fn relint(&mut self) {
        self.report = analyze_set(&self.workspace, &self.configs);
        self.dirty = false;
        self.publish();
    }

    /// The URI of file `file` of the report: a workspace file, or a config file (which the
    /// report lists after them, for unused `ignore:` entries).
    fn uri_of_file(&self, file: FileId) -> Option<Uri> {
        if let Some(meta) = self.files.get(file.index()) {
            return convert::uri_of(&meta.path);
        }
        let source = self.report.files.get(file.index())?;
        let config = self
            .configs
            .configs()
            .iter()
            .find(|c| c.source.as_ref().is_some_and(|s| Arc::ptr_eq(s, source)))?;
        convert::uri_of(config.path.as_ref()?)
    }

    /// Publishes the diagnostics of every file whose diagnostics changed.
    fn publish(&mut self) {
        let mut now: HashMap<String, (Uri, Vec<Diagnostic>)> = HashMap::new();
        for (i, f) in self.report.files.iter().enumerate() {
            if f.is_linted()
                && let Some(uri) = self.uri_of_file(FileId::new(i))
            {
                now.insert(uri.as_str().to_owned(), (uri, Vec::new()));
            }
        }
        let uri_of = |file: FileId| self.uri_of_file(file);
        // A broken config's findings point into its previous text: its diagnostic replaces them.
        let broken: Vec<Uri> = self
            .config_errors
            .iter()
            .filter_map(|(path, _)| convert::uri_of(path))
            .collect();
        for finding in &self.report.findings {
            if let Some(uri) = uri_of(finding.file)
                && !broken.contains(&uri)
                && let Some(d) =
                    convert::diagnostic(&self.report.files, finding, self.encoding, &uri_of)
            {
                now.entry(uri.as_str().to_owned())
                    .or_insert_with(|| (uri, Vec::new()))
                    .1
                    .push(d);
            }
        }
        for (path, d) in &self.config_errors {
            if let Some(uri) = convert::uri_of(path) {
                now.entry(uri.as_str().to_owned())
                    .or_insert_with(|| (uri, Vec::new()))
                    .1
                    .push(d.clone());
            }
        }
        for key in self.published.keys() {
            if !now.contains_key(key)
                && let Ok(uri) = key.parse::<Uri>()
            {
                now.insert(key.clone(), (uri, Vec::new()));
            }
        }
        let mut changed: Vec<(String, (Uri, Vec<Diagnostic>))> = now
            .into_iter()
            .filter(|(key, (_, d))| self.published.get(key).map_or(!d.is_empty(), |p| p != d))
            .collect();
        changed.sort_by(|a, b| a.0.cmp(&b.0));
        for (key, (uri, diagnostics)) in changed {
            let version = convert::path_of(&uri)
                .and_then(|p| self.open.get(&p))
                .map(|(v, _)| *v);
            self.notify::<lsp_types::notification::PublishDiagnostics>(PublishDiagnosticsParams {
                uri,
                diagnostics: diagnostics.clone(),
                version,
            });
            if diagnostics.is_empty() {
                self.published.remove(&key);
            } else {
                self.published.insert(key, diagnostics);
            }
        }
    }

    /// The file number and source of an open or workspace document.
    fn source_of(&self, uri: &Uri) -> Option<(FileId, &std::sync::Arc<SourceFile>)> {
        let path = convert::path_of(uri)?;
        let i = *self.file_of.get(&path)?;
        Some((i, self.report.files.get(i.index())?))
    }

    fn findings_in(&self, file: FileId, start: usize, end: usize) -> Vec<&Finding> {
        self.report
            .findings
            .iter()
            .filter(|f| {
                f.file == file && (f.span.start as usize) <= end && start <= f.span.end as usize
            })
            .collect()
    }

    fn hover(&self, params: &HoverParams) -> Option<Hover> {
        let at = &params.text_document_position_params;
        let (file, source) = self.source_of(&at.text_document.uri)?;
        let offset = convert::offset(&source.text, &source.lines, at.position, self.encoding);
        let found = self.findings_in(file, offset, offset);
        let first = found.first()?;
        let mut text = String::new();
        let mut rules_shown: Vec<&str> = Vec::new();
        for f in &found {
            let _ = write!(
                text,
                "**kubeha `{}`** ({}): {}\n\n",
                f.rule, f.severity, f.message
            );
        }
        for f in &found {
            if rules_shown.contains(&f.rule) {
                continue;
            }
            rules_shown.push(f.rule);
            if let Some(rule) = crate::rules::find(f.rule) {
                text.push_str("---\n\n");
                text.push_str(&rule.meta().document());
                text.push('\n');
            }
        }
        Some(Hover {
            contents: HoverContents::Markup(MarkupContent {
                kind: MarkupKind::Markdown,
                value: text,
            }),
            range: Some(convert::range(source, first.span, self.encoding)),
        })
    }

    fn code_actions(&self, params: &CodeActionParams) -> Option<Vec<CodeActionOrCommand>> {
        let (file, source) = self.source_of(&params.text_document.uri)?;
        let start = convert::offset(
            &source.text,
            &source.lines,
            params.range.start,
            self.encoding,
        );
        let end = convert::offset(&source.text, &source.lines, params.range.end, self.encoding);
        let wants = |kind: &CodeActionKind| {
            params
                .context
                .only
                .as_ref()
                .is_none_or(|only| only.iter().any(|o| kind.as_str().starts_with(o.as_str())))
        };
        let uri_of = |file: FileId| self.uri_of_file(file);
        let mut actions = Vec::new();
        let mut safe_in_file = Vec::new();
        for f in self.report.findings.iter().filter(|f| f.file == file) {
            if let Some(fix) = &f.fix
                && fix.applicability == Applicability::Safe
                && fix.edits.iter().all(|e| e.file == file)
            {
                safe_in_file.push(fix);
            }
        }
        if wants(&CodeActionKind::QUICKFIX) {
            for f in self.findings_in(file, start, end) {
                let diagnostic = convert::diagnostic(&self.report.files, f, self.encoding, &uri_of);
                let diagnostics = diagnostic.map(|d| vec![d]);
                if let Some(fix) = &f.fix
                    && let Some(edit) = self.workspace_edit(fix.edits.iter().collect())
                {
                    let unsafe_fix = fix.applicability == Applicability::Unsafe;
                    actions.push(CodeAction {
                        title: if unsafe_fix {
                            format!("{} (unsafe: changes behaviour)", fix.title)
                        } else {
                            fix.title.clone()
                        },
                        kind: Some(CodeActionKind::QUICKFIX),
                        diagnostics: diagnostics.clone(),
                        edit: Some(edit),
                        is_preferred: Some(!unsafe_fix),
                        ..CodeAction::default()
                    });
                }
                for (title, edit) in Self::ignore_edits(source, f) {
                    actions.push(CodeAction {
                        title,
                        kind: Some(CodeActionKind::QUICKFIX),
                        diagnostics: diagnostics.clone(),
                        edit: self.single_edit(file, edit),
                        ..CodeAction::default()
                    });
                }
            }
        }
        if wants(&CodeActionKind::SOURCE_FIX_ALL) && !safe_in_file.is_empty() {
            // The fixes that fit together (as one `--fix` round takes them): the protocol
            // forbids overlapping edits, and the rest are offered again after this one.
            let (_, taken) = crate::fix::apply(&source.text, &safe_in_file);
            let edits: Vec<&crate::finding::Edit> = taken
                .iter()
                .filter_map(|&i| safe_in_file.get(i))
                .flat_map(|f| f.edits.iter())
                .collect();
            if let Some(edit) = self.workspace_edit(edits) {
                actions.push(CodeAction {
                    title: "Apply every safe kubeha fix in this file".to_owned(),
                    kind: Some(CodeActionKind::SOURCE_FIX_ALL),
                    edit: Some(edit),
                    ..CodeAction::default()
                });
            }
        }
        Some(
            actions
                .into_iter()
                .map(CodeActionOrCommand::CodeAction)
                .collect(),
        )
    }

    /// "Ignore here" (a comment on the line above the finding) and "ignore in this file".
    fn ignore_edits(source: &SourceFile, f: &Finding) -> Vec<(String, (Span, String))> {
        let text = &source.text;
        let newline = if text.contains("\r\n") { "\r\n" } else { "\n" };
        let line = source.lines.line_of(f.span.start);
        let line_start = source.lines.line_start(line);
        let indent: String = text
            .get(line_start as usize..)
            .unwrap_or("")
            .chars()
            .take_while(|c| *c == ' ' || *c == '\t')
            .collect();
        vec![
            (
                format!("Ignore `{}` here (kubeha: ignore comment)", f.rule),
                (
                    Span::empty(line_start),
                    format!("{indent}# kubeha: ignore[{}] {REASON}{newline}", f.rule),
                ),
            ),
            (
                format!("Ignore `{}` in this file", f.rule),
                (
                    Span::empty(0),
                    format!("# kubeha: ignore-file[{}] {REASON}{newline}", f.rule),
                ),
            ),
        ]
    }

    fn single_edit(&self, file: FileId, (span, text): (Span, String)) -> Option<WorkspaceEdit> {
        let edit = crate::finding::Edit { file, span, text };
        self.workspace_edit(vec![&edit])
    }

    /// Edits (in any files of the workspace) as a workspace edit; overlapping edits after the
    /// first are left out, as a fixer leaves them for the next round.
    #[allow(
        clippy::mutable_key_type,
        reason = "lsp-types' WorkspaceEdit is keyed by Uri; the keys are never mutated"
    )]
    fn workspace_edit(&self, mut edits: Vec<&crate::finding::Edit>) -> Option<WorkspaceEdit> {
        edits.sort_by_key(|e| (e.file, e.span.start, e.span.end));
        let mut changes: HashMap<Uri, Vec<TextEdit>> = HashMap::new();
        let mut last: Option<(FileId, u32)> = None;
        for e in edits {
            if let Some((file, end)) = last
                && file == e.file
                && e.span.start < end
            {
                continue;
            }
            last = Some((e.file, e.span.end.max(e.span.start)));
            let source = self.report.files.get(e.file.index())?;
            changes
                .entry(self.uri_of_file(e.file)?)
                .or_default()
                .push(TextEdit::new(
                    convert::range(source, e.span, self.encoding),
                    e.text.clone(),
                ));
        }
        (!changes.is_empty()).then(|| WorkspaceEdit {
            changes: Some(changes),
            ..WorkspaceEdit::default()
        })
    }
}

fn parse<P: serde::de::DeserializeOwned>(n: Notification) -> Result<P, String> {
    serde_json::from_value(n.params).map_err(|e| format!("invalid params: {e}"))
}

fn invalid_params(id: RequestId, e: &serde_json::Error) -> Response {
    Response::new_err(
        id,
        ErrorCode::InvalidParams as i32,
        format!("invalid params: {e}"),
    )
}

/// A buffer as file content, within the file-size limit like a file on disk.
fn buffer_content(text: &str, config: &Config) -> Result<Vec<u8>, ReadError> {
    let limit = config.limits.max_file_bytes;
    if text.len() > limit {
        return Err(ReadError::TooLarge {
            size: Some(text.len() as u64),
            limit,
        });
    }
    Ok(text.as_bytes().to_vec())
}
