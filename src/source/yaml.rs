//! The YAML loader: saphyr-parser events → `serde_json::Value` plus a span for every key and
//! value, in one pass.
//!
//! A file is first cut into chunks at `---` lines (a `---` at the start of a line always ends a
//! document, even inside a block scalar), so that a syntax error only loses its own document
//! and large files can be parsed in parallel.

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};

use rayon::prelude::*;
use saphyr_parser::{Event, Marker, Parser, ScalarStyle, ScanError};
use serde_json::{Map, Value};

use super::{KeyText, LineIndex, Span, resolve_plain};

/// Bits of [`SpanNode::flags`].
pub mod flags {
    /// An unquoted scalar that YAML 1.1 reads as a bool, number or null.
    pub const NON_STRING: u8 = 1;
    /// The node was copied from an anchor by an alias (`*name`); its inner spans point at the anchor.
    pub const FROM_ALIAS: u8 = 2;
    /// The key was an unquoted scalar that YAML 1.1 reads as a bool, number or null.
    pub const KEY_NON_STRING: u8 = 4;
}

/// Hard limits on what one file may cost. Each breach is an `invalid-yaml` finding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    pub max_file_bytes: usize,
    pub max_depth: usize,
    pub max_alias_nodes: usize,
    /// What aliases may copy in one file, in bytes (see [`NODE_BYTES`]).
    pub max_alias_bytes: usize,
    /// What aliases may copy in all files of one run, in bytes.
    pub max_run_alias_bytes: usize,
    pub max_documents: usize,
    pub max_scalar_bytes: usize,
}

/// What one copied node costs on top of its text: a `Value` and its `SpanNode`. A scalar
/// counts its text whatever its size, so a 1 MB anchored string aliased 20,000 times is 20 GB,
/// not 20,000 nodes.
pub const NODE_BYTES: usize = std::mem::size_of::<Value>() + std::mem::size_of::<SpanNode>();

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_file_bytes: 64 << 20,
            max_depth: 256,
            max_alias_nodes: 100_000,
            max_alias_bytes: 256 << 20,
            max_run_alias_bytes: 1 << 30,
            max_documents: 100_000,
            max_scalar_bytes: 16 << 20,
        }
    }
}

/// Spans of one node: the key it sits under (for sequence items, the item itself), its value,
/// and its children in the order of the `Value`'s map entries or array items.
#[derive(Debug, Clone, Default)]
pub struct SpanNode {
    pub key: Span,
    pub value: Span,
    pub flags: u8,
    pub children: Vec<SpanNode>,
}

impl SpanNode {
    fn leaf(value: Span, flags: u8) -> Self {
        Self {
            key: value,
            value,
            flags,
            children: Vec::new(),
        }
    }

    /// A mapping or sequence from its start event to its end event.
    fn collection(start: Span, end: Span, children: Vec<SpanNode>) -> Self {
        Self {
            key: start,
            value: start.cover(Span::empty(end.start)),
            flags: 0,
            children,
        }
    }

    pub fn has_flag(&self, flag: u8) -> bool {
        self.flags & flag != 0
    }
}

/// A key that appears twice in one mapping: the later value wins, as in `kubectl`.
#[derive(Debug, Clone)]
pub struct DuplicateKey {
    pub key: String,
    pub first: Span,
    pub second: Span,
}

/// One YAML document with content.
#[derive(Debug)]
pub struct Document {
    /// 0-based index among the file's documents with content (broken ones count).
    pub index: usize,
    pub root: Value,
    pub spans: SpanNode,
    /// `# Source: path` comment above the document (what `helm template` prints).
    pub source_name: Option<String>,
    pub duplicates: Vec<DuplicateKey>,
}

/// A document that could not be read, with where and why.
#[derive(Debug, Clone)]
pub struct LoadError {
    pub span: Span,
    pub message: String,
    /// Index the broken document takes among the file's documents.
    pub document: usize,
}

#[derive(Debug, Default)]
pub struct LoadedFile {
    pub documents: Vec<Document>,
    pub errors: Vec<LoadError>,
    /// Byte offsets of the `#` of every real YAML comment whose text starts with
    /// [`DIRECTIVE`], in file order. A `# kubeha:` inside a block scalar or a quoted string
    /// is text, not a comment, and is not listed; in a document that fails to parse, only
    /// comments before the error are known.
    pub directives: Vec<u32>,
}

/// What a comment starts with (after `#` and blanks) to be a kubeha directive.
pub const DIRECTIVE: &str = "kubeha:";

/// Files at least this large parse their chunks in parallel.
pub(crate) const PARALLEL_BYTES: usize = 128 << 10;

/// Which top-level values of a document are not built (no tree, no spans), decided by the
/// caller: given the key about to take a mapping or sequence value, and `earlier(k, v)`:
/// whether a key before it, `k`, has the scalar value `v`. The YAML layer knows no
/// Kubernetes; the loader passes `model::unread_subtree`.
pub type Unread = fn(key: &str, earlier: &dyn Fn(&str, &str) -> bool) -> bool;

/// Builds every value ([`Unread`] for plain YAML: the config file, tests).
pub fn read_everything(_key: &str, _earlier: &dyn Fn(&str, &str) -> bool) -> bool {
    false
}

/// Loads every document of `text`. Never fails as a whole: broken documents become errors.
pub fn load_str(text: &str, lines: &LineIndex, limits: &Limits) -> LoadedFile {
    load_str_in_run(text, lines, limits, &AtomicUsize::new(0), read_everything)
}

/// [`load_str`] as one file of a run: `run_aliases` counts the bytes aliases copied in all
/// the run's files, against [`Limits::max_run_alias_bytes`]; `unread` says which top-level
/// values are not built.
pub fn load_str_in_run(
    text: &str,
    lines: &LineIndex,
    limits: &Limits,
    run_aliases: &AtomicUsize,
    unread: Unread,
) -> LoadedFile {
    if text.len() > limits.max_file_bytes {
        return LoadedFile {
            documents: Vec::new(),
            errors: vec![LoadError {
                span: Span::empty(0),
                message: format!(
                    "file is {} bytes, more than the limit of {} bytes",
                    text.len(),
                    limits.max_file_bytes
                ),
                document: 0,
            }],
            directives: Vec::new(),
        };
    }
    let chunks = split_documents(text, lines);
    // Chunks are parsed in parallel: the file's alias budget (and the `unread` predicate) is shared between them.
    let shared = Shared {
        file: AtomicUsize::new(0),
        run: run_aliases,
        unread,
    };
    let parse = |&(start, end): &(usize, usize)| {
        let chunk = text.get(start..end).unwrap_or("");
        parse_chunk(chunk, start, limits, &shared)
    };
    let results: Vec<ChunkOut> = if text.len() >= PARALLEL_BYTES && chunks.len() > 1 {
        chunks.par_iter().map(parse).collect()
    } else {
        chunks.iter().map(parse).collect()
    };

    let mut out = LoadedFile::default();
    let mut index = 0usize;
    for chunk in &results {
        out.directives.extend_from_slice(&chunk.directives);
    }
    for chunk in results {
        for mut doc in chunk.documents {
            if index >= limits.max_documents {
                out.errors.push(LoadError {
                    span: doc.spans.value,
                    message: format!(
                        "more than {} documents in one file; the rest are not read",
                        limits.max_documents
                    ),
                    document: index,
                });
                return out;
            }
            doc.index = index;
            index += 1;
            out.documents.push(doc);
        }
        if let Some(mut err) = chunk.error {
            err.document = index;
            index += 1;
            out.errors.push(err);
        }
    }
    out
}

/// Cuts `text` into `[start, end)` byte ranges, one per `---`-separated region.
fn split_documents(text: &str, lines: &LineIndex) -> Vec<(usize, usize)> {
    let mut bounds = vec![0usize];
    let bytes = text.as_bytes();
    for line in 1..lines.line_count() {
        let start = lines.line_start(line) as usize;
        let Some(rest) = bytes.get(start..) else {
            break;
        };
        if rest.starts_with(b"---")
            && matches!(rest.get(3), None | Some(b' ' | b'\t' | b'\r' | b'\n'))
        {
            // Directives (`%YAML`) belong to the document after them.
            let mut cut = start;
            let mut prev = line;
            while prev > 0 {
                let p = lines.line_start(prev - 1) as usize;
                if bytes.get(p) == Some(&b'%') {
                    cut = p;
                    prev -= 1;
                } else {
                    break;
                }
            }
            if cut > bounds.last().copied().unwrap_or(0) {
                bounds.push(cut);
            }
        }
    }
    bounds.push(text.len());
    bounds
        .windows(2)
        .filter_map(|w| match *w {
            [a, b] if b > a => Some((a, b)),
            _ => None,
        })
        .collect()
}

struct ChunkOut {
    documents: Vec<Document>,
    error: Option<LoadError>,
    directives: Vec<u32>,
}

/// Chunk offsets of each `#` that may start a directive comment: `#`, blanks, [`DIRECTIVE`],
/// with the `#` at the start of a line or after a blank (YAML's rule for comments).
fn directive_candidates(chunk: &str) -> Vec<usize> {
    let bytes = chunk.as_bytes();
    memchr::memmem::find_iter(bytes, DIRECTIVE.as_bytes())
        .filter_map(|at| {
            let before = bytes.get(..at)?;
            let blanks = before
                .iter()
                .rev()
                .take_while(|&&b| b == b' ' || b == b'\t')
                .count();
            let hash = at.checked_sub(blanks + 1)?;
            let comment = bytes.get(hash) == Some(&b'#')
                && hash
                    .checked_sub(1)
                    .is_none_or(|p| matches!(bytes.get(p), Some(b' ' | b'\t' | b'\n' | b'\r')));
            comment.then_some(hash)
        })
        .collect()
}

/// Which directive candidates of a chunk are real comments, learnt from the scalars' spans:
/// a candidate inside a scalar (a block scalar's script, a quoted string) is text.
struct Directives {
    /// File offsets of the candidates, ascending.
    candidates: Vec<u32>,
    in_scalar: Vec<bool>,
}

impl Directives {
    fn new(chunk: &str, base: usize) -> Self {
        let candidates: Vec<u32> = directive_candidates(chunk)
            .into_iter()
            .map(|c| (base + c) as u32)
            .collect();
        Self {
            in_scalar: vec![false; candidates.len()],
            candidates,
        }
    }

    fn scalar(&mut self, span: Span) {
        if self.candidates.is_empty() {
            return;
        }
        let from = self.candidates.partition_point(|&c| c < span.start);
        let to = self.candidates.partition_point(|&c| c < span.end);
        for flag in self.in_scalar.get_mut(from..to).unwrap_or_default() {
            *flag = true;
        }
    }

    /// The comments among the candidates before `end` (the whole chunk when it parsed).
    fn comments(&self, end: u32) -> Vec<u32> {
        self.candidates
            .iter()
            .zip(&self.in_scalar)
            .filter(|&(&c, &inside)| c < end && !inside)
            .map(|(&c, _)| c)
            .collect()
    }
}

/// Converts chunk-relative saphyr markers (character indices) into file byte offsets.
///
/// Works from the character index alone, never saphyr's line numbers, so that a chunk whose
/// line breaks were blanked out (see [`join_dedented_bracket`]) still maps onto the file.
struct Offsets {
    base: usize,
    len: usize,
    /// Byte offset of every 64th character; empty for ASCII chunks (char index = byte index).
    checkpoints: Vec<u32>,
}

const CHECKPOINT: usize = 64;

impl Offsets {
    fn new(chunk: &str, base: usize) -> Self {
        let checkpoints = if chunk.is_ascii() {
            Vec::new()
        } else {
            chunk
                .char_indices()
                .step_by(CHECKPOINT)
                .map(|(b, _)| b as u32)
                .collect()
        };
        Self {
            base,
            len: chunk.len(),
            checkpoints,
        }
    }

    /// Byte offset inside the chunk of the `index`-th character.
    fn chunk_byte(&self, chunk: &str, index: usize) -> usize {
        if self.checkpoints.is_empty() {
            return index.min(self.len);
        }
        let Some(&from) = self.checkpoints.get(index / CHECKPOINT) else {
            return self.len;
        };
        let rest = chunk.get(from as usize..).unwrap_or("");
        from as usize
            + rest
                .char_indices()
                .nth(index % CHECKPOINT)
                .map_or(rest.len(), |(b, _)| b)
    }

    fn byte(&self, chunk: &str, m: Marker) -> u32 {
        (self.base + self.chunk_byte(chunk, m.index())) as u32
    }

    fn span(&self, chunk: &str, s: saphyr_parser::Span) -> Span {
        Span::new(self.byte(chunk, s.start), self.byte(chunk, s.end))
    }
}

/// How many dedented closing brackets one chunk may have joined one at a time before giving up.
const MAX_JOINS: usize = 64;

fn parse_chunk(chunk: &str, base: usize, limits: &Limits, shared: &Shared<'_>) -> ChunkOut {
    let offsets = Offsets::new(chunk, base);
    let source_name = helm_source(chunk);
    let parse = |text: &str, joins: &[usize]| {
        let mut directives = Directives::new(text, base);
        let mut joined = Directives {
            in_scalar: vec![false; joins.len()],
            candidates: joins.iter().map(|&j| (base + j) as u32).collect(),
        };
        let (documents, failure, spent) = parse_text(
            text,
            &offsets,
            (limits, shared),
            source_name.as_ref(),
            (&mut directives, &mut joined),
        );
        (documents, failure, directives, spent, joined.in_scalar)
    };
    let mut patched: Option<String> = None;
    let mut joins = 0;
    let mut guessed = false;
    loop {
        let text = patched.as_deref().unwrap_or(chunk);
        let (documents, failure, directives, spent, _) = parse(text, &[]);
        let error = match failure {
            None => None,
            Some(Failure::Located(error)) => Some(error),
            Some(Failure::Scan { message, at }) => {
                if joins < MAX_JOINS
                    && message == "invalid indentation"
                    && let Some(joined) = join_dedented_bracket(text, offsets.chunk_byte(text, at))
                {
                    // What this attempt's aliases copied is copied again by the next.
                    spent.refund(shared);
                    if !guessed {
                        // Re-parsing the whole chunk per bracket is quadratic (64 brackets in
                        // 24 MB took 79 s): join every dedented bracket from here on at once,
                        // and keep the result when it parses with no join inside a scalar;
                        // joins inside scalars (a `}` line of a script) are undone and the rest
                        // tried again. When that fails (a comment swallowing a bracket), go on
                        // one bracket at a time, as before.
                        guessed = true;
                        let mut breaks =
                            dedented_bracket_breaks(text, offsets.chunk_byte(text, at));
                        for _ in 0..GUESSES {
                            let (documents, failure, directives, spent, in_scalar) =
                                parse(&blank_breaks(text, &breaks), &breaks);
                            if failure.is_none() && !in_scalar.contains(&true) {
                                return ChunkOut {
                                    documents,
                                    directives: directives.comments((base + chunk.len()) as u32),
                                    error: None,
                                };
                            }
                            spent.refund(shared);
                            if !in_scalar.contains(&true) {
                                break;
                            }
                            let mut flags = in_scalar.iter();
                            breaks.retain(|_| flags.next() == Some(&false));
                        }
                    }
                    patched = Some(joined);
                    joins += 1;
                    continue;
                }
                let start = offsets.byte(text, Marker::new(at, 0, 0));
                let end = start.saturating_add(1).min((base + chunk.len()) as u32);
                Some(LoadError {
                    span: Span::new(start, end.max(start)),
                    message: describe_scan_error(&message),
                    document: 0,
                })
            }
        };
        let known_until = error
            .as_ref()
            .map_or((base + chunk.len()) as u32, |e| e.span.start);
        return ChunkOut {
            documents,
            directives: directives.comments(known_until),
            error,
        };
    }
}

/// How many times a chunk's dedented brackets are joined all at once, each time keeping the
/// line breaks that turned out to be inside scalars, before one bracket at a time.
const GUESSES: usize = 4;

/// Chunk offsets of the line break before every line, from the one holding `from` on, that
/// starts with a closing bracket, unless the line before it has a `#` (a comment would
/// swallow the bracket).
fn dedented_bracket_breaks(text: &str, from: usize) -> Vec<usize> {
    let bytes = text.as_bytes();
    let first = text.get(..from).and_then(|t| t.rfind('\n')).unwrap_or(0);
    let mut line_before = text
        .get(..first)
        .and_then(|t| t.rfind('\n'))
        .map_or(0, |i| i + 1);
    let mut breaks = Vec::new();
    for newline in memchr::memchr_iter(b'\n', bytes.get(first..).unwrap_or_default()) {
        let newline = first + newline;
        let next = text
            .get(newline + 1..)
            .unwrap_or("")
            .trim_start_matches([' ', '\t'])
            .as_bytes()
            .first();
        let commented = bytes
            .get(line_before..newline)
            .is_some_and(|line| line.contains(&b'#'));
        if matches!(next, Some(b']' | b'}')) && !commented {
            breaks.push(newline);
        }
        line_before = newline + 1;
    }
    breaks
}

/// `text` with the line breaks at `breaks` (and a CR before each) blanked out, as
/// [`join_dedented_bracket`] does for one.
fn blank_breaks(text: &str, breaks: &[usize]) -> String {
    let mut bytes = text.as_bytes().to_vec();
    for &newline in breaks {
        if let Some(b) = bytes.get_mut(newline) {
            *b = b' ';
        }
        if newline > 0
            && let Some(b) = bytes.get_mut(newline - 1)
            && *b == b'\r'
        {
            *b = b' ';
        }
    }
    // Only ASCII bytes were replaced, by ASCII bytes: still UTF-8.
    String::from_utf8(bytes).unwrap_or_else(|_| text.to_owned())
}

/// go-yaml (and so `kubectl`) does not check indentation inside flow collections, and
/// manifests rely on it: `args: [` … `]` with the `]` under the `a` of `args`. saphyr does.
/// When the offending line starts with a closing bracket, blank out the line break before it
/// (same length, same character count: every span still maps onto the file) and parse again.
fn join_dedented_bracket(text: &str, at: usize) -> Option<String> {
    let line_start = text.get(..at)?.rfind('\n')? + 1;
    let first = text
        .get(line_start..)?
        .trim_start_matches([' ', '\t'])
        .chars()
        .next()?;
    if !matches!(first, ']' | '}') {
        return None;
    }
    let mut bytes = text.as_bytes().to_vec();
    let newline = line_start - 1;
    *bytes.get_mut(newline)? = b' ';
    if newline > 0 && bytes.get(newline - 1) == Some(&b'\r') {
        *bytes.get_mut(newline - 1)? = b' ';
    }
    String::from_utf8(bytes).ok()
}

/// Why a chunk stopped parsing.
enum Failure {
    /// A saphyr scan error at a character index of the chunk.
    Scan { message: String, at: usize },
    /// A loader limit or structure error, already located in the file.
    Located(LoadError),
}

/// Parses `text`; `directives` and `joins` learn which of their offsets are inside scalars.
fn parse_text(
    text: &str,
    offsets: &Offsets,
    (limits, shared): (&Limits, &Shared<'_>),
    source_name: Option<&String>,
    (directives, joins): (&mut Directives, &mut Directives),
) -> (Vec<Document>, Option<Failure>, Spent) {
    let mut builder = Builder::new(limits, shared);
    let mut documents = Vec::new();
    let mut parser = Parser::new_from_str(text);
    loop {
        let Some(next) = parser.next_event() else {
            return (documents, None, builder.spent);
        };
        let (event, span) = match next {
            Ok(ok) => ok,
            Err(e) => return (documents, Some(scan_failure(&e)), builder.spent),
        };
        let mut span = offsets.span(text, span);
        if let Event::Scalar(_, style @ (ScalarStyle::DoubleQuoted | ScalarStyle::SingleQuoted), ..) =
            &event
            && let Some(end) = quoted_end(
                text,
                span.start as usize - offsets.base,
                *style == ScalarStyle::DoubleQuoted,
            )
        {
            // saphyr ends a quoted scalar's span after trailing blanks and comments.
            span.end = (offsets.base + end) as u32;
        }
        if matches!(event, Event::Scalar(..)) {
            directives.scalar(span);
            joins.scalar(span);
        }
        match builder.event(event, span) {
            Ok(Some(mut doc)) => {
                if documents.is_empty() {
                    doc.source_name = source_name.cloned();
                }
                documents.push(doc);
            }
            Ok(None) => {}
            Err(err) => return (documents, Some(Failure::Located(err)), builder.spent),
        }
    }
}

/// The byte offset just past the closing quote of the quoted scalar starting at `start`.
fn quoted_end(text: &str, start: usize, double: bool) -> Option<usize> {
    let bytes = text.as_bytes();
    let quote = if double { b'"' } else { b'\'' };
    if bytes.get(start) != Some(&quote) {
        return None;
    }
    let mut i = start + 1;
    while let Some(&b) = bytes.get(i) {
        match b {
            b'\\' if double => i += 2,
            b if b == quote => {
                if !double && bytes.get(i + 1) == Some(&b'\'') {
                    i += 2;
                } else {
                    return Some(i + 1);
                }
            }
            _ => i += 1,
        }
    }
    None
}

fn scan_failure(e: &ScanError) -> Failure {
    Failure::Scan {
        message: e.info().to_owned(),
        at: e.marker().index(),
    }
}

fn describe_scan_error(info: &str) -> String {
    let mut msg = String::from(info);
    if info
        .split(|c: char| !c.is_alphanumeric())
        .any(|w| w == "tabs" || w == "tab")
    {
        msg.push_str(" (YAML indentation must use spaces)");
    }
    msg
}

/// The path in a `# Source: path` comment heading the chunk (what `helm template` prints).
fn helm_source(chunk: &str) -> Option<String> {
    for line in chunk.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with("---") {
            continue;
        }
        let comment = line.strip_prefix('#')?;
        if let Some(path) = comment.trim_start().strip_prefix("Source:") {
            let path = path.trim();
            return (!path.is_empty()).then(|| path.to_owned());
        }
    }
    None
}

struct PendingKey {
    text: String,
    span: Span,
    flags: u8,
    merge: bool,
}

/// An open collection. Its finished children wait on the builder's scratch stacks from
/// `base` on (keys from `key_base`), and become an exactly sized array or map when it closes:
/// no per-collection growth, reallocation or copying while it fills.
enum Frame {
    Seq {
        base: usize,
        start: Span,
        anchor: usize,
    },
    Map {
        base: usize,
        key_base: usize,
        key: Option<PendingKey>,
        merges: Vec<(Value, SpanNode)>,
        start: Span,
        anchor: usize,
    },
}

/// Bytes aliases have copied so far, in this file and in the whole run.
/// What the parses of one file's chunks share: the file's and the run's alias budgets, and
/// which subtrees are not built.
struct Shared<'r> {
    file: AtomicUsize,
    run: &'r AtomicUsize,
    unread: Unread,
}

/// What one parse's aliases took from the budget: given back when the chunk is parsed again.
#[derive(Default)]
struct Spent {
    file: usize,
    run: usize,
}

impl Spent {
    fn refund(&self, shared: &Shared<'_>) {
        shared.file.fetch_sub(self.file, Ordering::Relaxed);
        shared.run.fetch_sub(self.run, Ordering::Relaxed);
    }
}

/// Adds `cost` to `spent` unless that would pass `limit`; false when it would.
fn spend(spent: &AtomicUsize, cost: usize, limit: usize) -> bool {
    spent
        .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |s| {
            s.checked_add(cost).filter(|&total| total <= limit)
        })
        .is_ok()
}

struct Anchored {
    value: Value,
    spans: SpanNode,
    nodes: usize,
    /// What a copy costs: its text and [`NODE_BYTES`] per node, aliases inside it expanded.
    bytes: usize,
    /// Nesting levels of the anchored node (0 for a scalar): an alias adds them where it is used.
    height: usize,
}

struct Builder<'l> {
    limits: &'l Limits,
    shared: &'l Shared<'l>,
    spent: Spent,
    stack: Vec<Frame>,
    /// Finished children of the open collections, innermost last (see [`Frame`]).
    values: Vec<Value>,
    spans: Vec<SpanNode>,
    /// Keys of the finished entries of the open mappings.
    keys: Vec<PendingKey>,
    /// Node count and bytes at each open frame's start, to size anchored subtrees.
    counts: Vec<(usize, usize)>,
    /// Per open frame: the greatest height of its finished children.
    heights: Vec<usize>,
    anchors: HashMap<usize, Anchored>,
    nodes: usize,
    /// Bytes of the document so far, aliases expanded (see [`Anchored::bytes`]).
    bytes: usize,
    alias_nodes: usize,
    duplicates: Vec<DuplicateKey>,
    root: Option<(Value, SpanNode)>,
    doc_start: Span,
    /// Inside a subtree no rule reads (a CRD's `spec`): its start and open collections.
    skipping: Option<(Span, usize)>,
    /// A subtree was skipped in this document: its anchors are unknown, not missing.
    skipped: bool,
}

type Step = Result<Option<Document>, LoadError>;

impl<'l> Builder<'l> {
    fn new(limits: &'l Limits, shared: &'l Shared<'l>) -> Self {
        Self {
            limits,
            shared,
            spent: Spent::default(),
            stack: Vec::new(),
            values: Vec::new(),
            spans: Vec::new(),
            keys: Vec::new(),
            counts: Vec::new(),
            heights: Vec::new(),
            anchors: HashMap::new(),
            nodes: 0,
            bytes: 0,
            alias_nodes: 0,
            duplicates: Vec::new(),
            root: None,
            doc_start: Span::default(),
            skipping: None,
            skipped: false,
        }
    }

    fn error(span: Span, message: String) -> LoadError {
        LoadError {
            span,
            message,
            document: 0,
        }
    }

    fn event(&mut self, event: Event<'_>, span: Span) -> Step {
        if let Some((start, open)) = &mut self.skipping {
            match event {
                Event::MappingStart(..) | Event::SequenceStart(..) => {
                    *open += 1;
                    if self.stack.len() + *open > self.limits.max_depth {
                        return Err(Self::error(
                            Span::new(span.start, span.start.saturating_add(1)),
                            format!(
                                "nesting is deeper than the limit of {} levels",
                                self.limits.max_depth
                            ),
                        ));
                    }
                    return Ok(None);
                }
                Event::MappingEnd | Event::SequenceEnd => {
                    *open -= 1;
                    if *open > 0 {
                        return Ok(None);
                    }
                    let whole = start.cover(Span::empty(span.start));
                    self.skipping = None;
                    let mut node = SpanNode::leaf(whole, 0);
                    node.value = whole;
                    return self.push(Value::Null, node);
                }
                Event::Scalar(..) | Event::Alias(_) if *open > 0 => return Ok(None),
                _ => self.skipping = None,
            }
        }
        match event {
            Event::DocumentStart(_) => {
                self.doc_start = span;
                Ok(None)
            }
            Event::DocumentEnd => Ok(self.finish_document()),
            Event::Scalar(text, style, anchor, tag) => {
                if text.len() > self.limits.max_scalar_bytes {
                    return Err(Self::error(
                        Span::new(span.start, span.start.saturating_add(1)),
                        format!(
                            "a scalar of {} bytes is longer than the limit of {} bytes",
                            text.len(),
                            self.limits.max_scalar_bytes
                        ),
                    ));
                }
                let tag_suffix = tag.as_ref().map(|t| t.suffix.as_str());
                self.scalar(text, style, tag_suffix, anchor, span)
            }
            Event::Alias(id) => self.alias(id, span),
            Event::MappingStart(_, _) | Event::SequenceStart(_, _) if self.skips_next_value() => {
                self.skipping = Some((span, 1));
                self.skipped = true;
                Ok(None)
            }
            Event::SequenceStart(anchor, _) => {
                self.open(span)?;
                self.stack.push(Frame::Seq {
                    base: self.values.len(),
                    start: span,
                    anchor,
                });
                Ok(None)
            }
            Event::MappingStart(anchor, _) => {
                self.open(span)?;
                self.stack.push(Frame::Map {
                    base: self.values.len(),
                    key_base: self.keys.len(),
                    key: None,
                    merges: Vec::new(),
                    start: span,
                    anchor,
                });
                Ok(None)
            }
            Event::SequenceEnd | Event::MappingEnd => self.close(span),
            Event::StreamStart | Event::StreamEnd | Event::Nothing => Ok(None),
        }
    }

    /// The value about to start is a top-level one the caller does not read ([`Unread`]: a
    /// CustomResourceDefinition's `spec`, whose OpenAPI schemas are most of the file), so its
    /// tree is not built.
    fn skips_next_value(&self) -> bool {
        let [
            Frame::Map {
                base,
                key_base,
                key: Some(key),
                anchor: 0,
                ..
            },
        ] = self.stack.as_slice()
        else {
            return false;
        };
        let keys = self.keys.get(*key_base..).unwrap_or_default();
        let values = self.values.get(*base..).unwrap_or_default();
        let earlier = |name: &str, value: &str| {
            keys.iter()
                .zip(values)
                .any(|(k, v)| k.text == name && v.as_str() == Some(value))
        };
        (self.shared.unread)(&key.text, &earlier)
    }

    fn open(&mut self, span: Span) -> Result<(), LoadError> {
        if self.stack.len() >= self.limits.max_depth {
            return Err(Self::error(
                Span::new(span.start, span.start.saturating_add(1)),
                format!(
                    "nesting is deeper than the limit of {} levels",
                    self.limits.max_depth
                ),
            ));
        }
        self.counts.push((self.nodes, self.bytes));
        self.heights.push(0);
        self.nodes += 1;
        self.bytes = self.bytes.saturating_add(NODE_BYTES);
        Ok(())
    }

    fn finish_document(&mut self) -> Option<Document> {
        self.anchors.clear();
        self.skipped = false;
        self.alias_nodes = 0;
        self.nodes = 0;
        self.bytes = 0;
        self.heights.clear();
        let duplicates = std::mem::take(&mut self.duplicates);
        self.values.clear();
        self.spans.clear();
        self.keys.clear();
        let (root, spans) = self.root.take()?;
        if root.is_null() {
            return None;
        }
        Some(Document {
            index: 0,
            root,
            spans,
            source_name: None,
            duplicates,
        })
    }

    fn scalar(
        &mut self,
        text: Cow<'_, str>,
        style: ScalarStyle,
        tag: Option<&str>,
        anchor: usize,
        span: Span,
    ) -> Step {
        let plain = style == ScalarStyle::Plain && !matches!(tag, Some("str"));
        let bytes = text.len().saturating_add(NODE_BYTES);
        self.bytes = self.bytes.saturating_add(bytes);
        // A key: kept as text, never as a Value.
        if let Some(Frame::Map {
            key: key @ None, ..
        }) = self.stack.last_mut()
        {
            let (text, flags) = if plain {
                match KeyText::for_plain(&text) {
                    KeyText::Same => (text.into_owned(), 0),
                    KeyText::Other(s) => (s, flags::KEY_NON_STRING),
                }
            } else {
                (text.into_owned(), 0)
            };
            *key = Some(PendingKey {
                merge: plain && text == "<<",
                text,
                span,
                flags,
            });
            if anchor > 0 {
                self.anchors.insert(
                    anchor,
                    Anchored {
                        value: Value::String(text_of_key(self.stack.last())),
                        spans: SpanNode::leaf(span, 0),
                        nodes: 1,
                        bytes,
                        height: 0,
                    },
                );
            }
            return Ok(None);
        }
        self.nodes += 1;
        let (value, flags) = if plain {
            let resolved = resolve_plain(&text);
            let flags = if resolved.is_non_string() && !text.is_empty() {
                flags::NON_STRING
            } else {
                0
            };
            (resolved.into_value(text), flags)
        } else {
            (Value::String(text.into_owned()), 0)
        };
        let node = SpanNode::leaf(span, flags);
        if anchor > 0 {
            self.anchors.insert(
                anchor,
                Anchored {
                    value: value.clone(),
                    spans: node.clone(),
                    nodes: 1,
                    bytes,
                    height: 0,
                },
            );
        }
        self.push(value, node)
    }

    fn alias(&mut self, id: usize, span: Span) -> Step {
        let Some(anchored) = self.anchors.get(&id) else {
            if self.skipped {
                return self.push(Value::Null, SpanNode::leaf(span, 0));
            }
            return Err(Self::error(span, "alias to an unknown anchor".to_owned()));
        };
        self.alias_nodes = self.alias_nodes.saturating_add(anchored.nodes);
        if self.alias_nodes > self.limits.max_alias_nodes {
            return Err(Self::error(
                span,
                format!(
                    "aliases expand to more than {} nodes (an alias bomb?)",
                    self.limits.max_alias_nodes
                ),
            ));
        }
        let bytes = anchored.bytes;
        if !spend(&self.shared.file, bytes, self.limits.max_alias_bytes) {
            return Err(Self::error(
                span,
                format!(
                    "aliases expand to more than {} bytes in this file (an alias bomb?)",
                    self.limits.max_alias_bytes
                ),
            ));
        }
        self.spent.file += bytes;
        if !spend(self.shared.run, bytes, self.limits.max_run_alias_bytes) {
            return Err(Self::error(
                span,
                format!(
                    "aliases expand to more than {} bytes in this run (an alias bomb?)",
                    self.limits.max_run_alias_bytes
                ),
            ));
        }
        self.spent.run += bytes;
        // An alias copies its anchor's whole tree: a chain of them must not nest deeper than
        // the limit the parser enforces on written collections.
        if self.stack.len() + anchored.height > self.limits.max_depth {
            return Err(Self::error(
                span,
                format!(
                    "aliases nest deeper than the limit of {} levels",
                    self.limits.max_depth
                ),
            ));
        }
        let height = anchored.height;
        if let Some(h) = self.heights.last_mut() {
            *h = (*h).max(height);
        }
        let value = anchored.value.clone();
        let mut spans = anchored.spans.clone();
        spans.value = span;
        spans.flags |= flags::FROM_ALIAS;
        self.nodes += anchored.nodes;
        self.bytes = self.bytes.saturating_add(bytes);
        if let Some(Frame::Map {
            key: key @ None, ..
        }) = self.stack.last_mut()
        {
            let Value::String(text) = value else {
                return Err(Self::error(
                    span,
                    "a mapping key must be a scalar".to_owned(),
                ));
            };
            *key = Some(PendingKey {
                text,
                span,
                flags: 0,
                merge: false,
            });
            return Ok(None);
        }
        self.push(value, spans)
    }

    fn close(&mut self, end: Span) -> Step {
        let Some(frame) = self.stack.pop() else {
            return Ok(None);
        };
        let (started, started_bytes) = self.counts.pop().unwrap_or((0, 0));
        let height = self.heights.pop().unwrap_or(0) + 1;
        if let Some(h) = self.heights.last_mut() {
            *h = (*h).max(height);
        }
        let (value, node, anchor) = match frame {
            Frame::Seq {
                base,
                start,
                anchor,
            } => {
                let base = base.min(self.values.len());
                let items: Vec<Value> = self.values.drain(base..).collect();
                let spans: Vec<SpanNode> = self.spans.drain(base..).collect();
                (
                    Value::Array(items),
                    SpanNode::collection(start, end, spans),
                    anchor,
                )
            }
            Frame::Map {
                base,
                key_base,
                key,
                merges,
                start,
                anchor,
            } => {
                if let Some(key) = key {
                    // `key:` with nothing after it at the end of a flow mapping.
                    self.keys.push(key);
                    self.values.push(Value::Null);
                    self.spans.push(SpanNode::default());
                }
                let base = base.min(self.values.len());
                let key_base = key_base.min(self.keys.len());
                let entries = self.values.len() - base;
                let mut map = Map::with_capacity(entries);
                let mut spans = Vec::with_capacity(entries);
                let children = self
                    .keys
                    .drain(key_base..)
                    .zip(self.values.drain(base..))
                    .zip(self.spans.drain(base..));
                let mut repeats = Vec::new();
                for ((key, value), node) in children {
                    insert(&mut map, &mut spans, key, value, node, &mut repeats);
                }
                locate_duplicates(&map, &mut spans, repeats, &mut self.duplicates);
                for (source, source_spans) in merges {
                    merge_into(&mut map, &mut spans, source, source_spans);
                }
                (
                    Value::Object(map),
                    SpanNode::collection(start, end, spans),
                    anchor,
                )
            }
        };
        if anchor > 0 {
            self.anchors.insert(
                anchor,
                Anchored {
                    value: value.clone(),
                    spans: node.clone(),
                    nodes: self.nodes.saturating_sub(started),
                    bytes: self.bytes.saturating_sub(started_bytes),
                    height,
                },
            );
        }
        self.push(value, node)
    }

    fn push(&mut self, value: Value, node: SpanNode) -> Step {
        match self.stack.last_mut() {
            None => {
                let mut node = node;
                if node.value.is_empty() && value.is_null() {
                    node.value = self.doc_start;
                }
                self.root = Some((value, node));
            }
            Some(Frame::Seq { .. }) => {
                let mut node = node;
                node.key = node.value;
                self.values.push(value);
                self.spans.push(node);
            }
            Some(Frame::Map { key, merges, .. }) => {
                let Some(pending) = key.take() else {
                    return Err(Self::error(
                        node.value,
                        "a mapping key must be a scalar (complex keys are not supported by Kubernetes)"
                            .to_owned(),
                    ));
                };
                if pending.merge {
                    return add_merge(merges, value, node, pending.span);
                }
                self.keys.push(pending);
                self.values.push(value);
                self.spans.push(node);
            }
        }
        Ok(None)
    }
}

fn text_of_key(frame: Option<&Frame>) -> String {
    match frame {
        Some(Frame::Map { key: Some(k), .. }) => k.text.clone(),
        _ => String::new(),
    }
}

/// A repeated key met while filling a mapping, located once the mapping is complete.
struct Repeat {
    key: String,
    span: Span,
    node: SpanNode,
}

fn insert(
    map: &mut Map<String, Value>,
    spans: &mut Vec<SpanNode>,
    key: PendingKey,
    value: Value,
    mut node: SpanNode,
    repeats: &mut Vec<Repeat>,
) {
    node.key = key.span;
    node.flags |= key.flags;
    if node.value.is_empty() && value.is_null() {
        // `key:` with no value: point at the key.
        node.value = Span::empty(key.span.end);
    }
    match map.entry(key.text) {
        serde_json::map::Entry::Vacant(slot) => {
            slot.insert(value);
            spans.push(node);
        }
        serde_json::map::Entry::Occupied(mut slot) => {
            // Rare: the last value wins, as in kubectl, in the first key's place.
            slot.insert(value);
            repeats.push(Repeat {
                key: slot.key().clone(),
                span: key.span,
                node,
            });
        }
    }
}

/// Replaces the spans of each repeated key's entry, in the order the repeats were written.
/// The entries' positions are looked up in one pass over the keys, not one scan per repeat
/// (160,000 repeated pairs took 91 s that way).
fn locate_duplicates(
    map: &Map<String, Value>,
    spans: &mut [SpanNode],
    repeats: Vec<Repeat>,
    duplicates: &mut Vec<DuplicateKey>,
) {
    if repeats.is_empty() {
        return;
    }
    let position: HashMap<&str, usize> = map
        .keys()
        .enumerate()
        .map(|(i, k)| (k.as_str(), i))
        .collect();
    for repeat in repeats {
        if let Some(slot) = position
            .get(repeat.key.as_str())
            .and_then(|&i| spans.get_mut(i))
        {
            duplicates.push(DuplicateKey {
                first: slot.key,
                second: repeat.span,
                key: repeat.key,
            });
            *slot = repeat.node;
        }
    }
}

fn add_merge(merges: &mut Vec<(Value, SpanNode)>, value: Value, node: SpanNode, at: Span) -> Step {
    match value {
        Value::Object(_) => merges.push((value, node)),
        Value::Array(items) => {
            for (item, item_spans) in items.into_iter().zip(node.children) {
                if !item.is_object() {
                    return Err(Builder::error(
                        at,
                        "merge key `<<` needs a mapping or a list of mappings".to_owned(),
                    ));
                }
                merges.push((item, item_spans));
            }
        }
        _ => {
            return Err(Builder::error(
                at,
                "merge key `<<` needs a mapping or a list of mappings".to_owned(),
            ));
        }
    }
    Ok(None)
}

/// `<<: *base`: keys of the merged mapping that the mapping does not set itself.
fn merge_into(
    map: &mut Map<String, Value>,
    spans: &mut Vec<SpanNode>,
    source: Value,
    source_spans: SpanNode,
) {
    let Value::Object(source) = source else {
        return;
    };
    for ((k, v), s) in source.into_iter().zip(source_spans.children) {
        if !map.contains_key(&k) {
            map.insert(k, v);
            spans.push(s);
        }
    }
}

/// The parse floor for benchmarks: the same chunking and parallelism as [`load_str`], but
/// saphyr events only, no tree and no spans. Returns the number of events.
pub fn count_events(text: &str, lines: &LineIndex) -> usize {
    let chunks = split_documents(text, lines);
    let count = |&(start, end): &(usize, usize)| {
        let mut parser = Parser::new_from_str(text.get(start..end).unwrap_or(""));
        let mut events = 0usize;
        while let Some(Ok(_)) = parser.next_event() {
            events += 1;
        }
        events
    };
    if text.len() >= PARALLEL_BYTES && chunks.len() > 1 {
        chunks.par_iter().map(count).sum()
    } else {
        chunks.iter().map(count).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{FieldPath, resolve};

    fn load(text: &str) -> LoadedFile {
        load_str(text, &LineIndex::new(text), &Limits::default())
    }

    fn at<'t>(text: &'t str, doc: &Document, path: &FieldPath) -> &'t str {
        let span = resolve(&doc.root, &doc.spans, path, text).0;
        &text[span.start as usize..span.end as usize]
    }

    #[test]
    fn spans_point_at_keys_and_values() {
        let text = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: a\n      image: x\n";
        let f = load(text);
        let doc = &f.documents[0];
        assert_eq!(
            at(text, doc, &crate::path!["metadata", "name"]),
            "name: web"
        );
        assert_eq!(at(text, doc, &crate::path!["spec"]), "spec");
        assert_eq!(
            at(text, doc, &crate::path!["spec", "containers", 0]),
            "name: a"
        );
        // A missing field resolves to its nearest parent.
        assert_eq!(at(text, doc, &crate::path!["spec", "nodeName"]), "spec");
    }

    #[test]
    fn yaml_1_1_scalars_and_merge_keys() {
        let text = "base: &b {a: 1, b: 2}\nm:\n  <<: *b\n  b: 3\nflag: yes\nmode: 0644\nv: 1.10\nq: \"yes\"\n";
        let f = load(text);
        let root = &f.documents[0].root;
        assert_eq!(root["m"], serde_json::json!({"b": 3, "a": 1}));
        assert_eq!(root["flag"], true);
        assert_eq!(root["mode"], 420);
        assert_eq!(root["v"], 1.1);
        assert_eq!(root["q"], "yes");
        let spans = &f.documents[0].spans;
        let flag = &spans.children[2];
        assert!(flag.has_flag(flags::NON_STRING), "unquoted yes is recorded");
        assert!(
            !spans.children[5].has_flag(flags::NON_STRING),
            "quoted yes is a string"
        );
    }

    #[test]
    fn duplicate_keys_are_recorded_and_last_wins() {
        let text = "a: 1\nb: 2\na: 3\n";
        let f = load(text);
        let doc = &f.documents[0];
        assert_eq!(doc.root["a"], 3);
        assert_eq!(doc.duplicates.len(), 1);
        let d = &doc.duplicates[0];
        assert_eq!((d.first.start, d.second.start), (0, 10));
        assert_eq!(at(text, doc, &crate::path!["a"]), "a: 3");
    }

    #[test]
    fn many_duplicate_keys_are_located_in_one_pass() {
        use std::fmt::Write as _;
        // 40,000 keys written twice: a scan of the keys per repeat is 8e8 comparisons.
        let keys = 40_000;
        let mut text = String::new();
        for round in 1..=2 {
            for i in 0..keys {
                writeln!(text, "k{i}: {round}").unwrap();
            }
        }
        let f = load(&text);
        let doc = &f.documents[0];
        assert_eq!(doc.duplicates.len(), keys);
        let last = &doc.duplicates[keys - 1];
        assert_eq!(last.key, format!("k{}", keys - 1));
        assert_eq!(&text[last.second.start as usize..][..7], "k39999:");
        assert_eq!(at(&text, doc, &crate::path!["k7"]), "k7: 2");
        assert_eq!(doc.root["k7"], 2);
    }

    #[test]
    fn a_broken_document_does_not_hide_the_others() {
        let text = "a: 1\n---\nb: \"unclosed\n---\nc: 3\n";
        let f = load(text);
        assert_eq!(f.documents.len(), 2);
        assert_eq!(f.errors.len(), 1);
        assert_eq!(f.documents[1].root["c"], 3);
        // Document indices count the broken one.
        assert_eq!(
            (
                f.documents[0].index,
                f.errors[0].document,
                f.documents[1].index
            ),
            (0, 1, 2)
        );
    }

    #[test]
    fn dedented_closing_bracket_is_accepted_like_kubectl() {
        let text = "spec:\n  args: [\n      \"-a\", \"b\",\n  ]\n  next: 1\n";
        let f = load(text);
        assert!(f.errors.is_empty(), "{:?}", f.errors);
        let doc = &f.documents[0];
        assert_eq!(doc.root["spec"]["args"], serde_json::json!(["-a", "b"]));
        assert_eq!(at(text, doc, &crate::path!["spec", "next"]), "next: 1");
    }

    #[test]
    fn many_dedented_brackets_are_joined_in_one_parse() {
        use std::fmt::Write as _;
        // 1,000 dedented brackets around a 2.9 MB block scalar whose `}` lines must stay: one
        // re-parse per bracket gave up after 64, each re-reading the whole document.
        let script = "    f() {\n      echo x\n    }\n".repeat(100_000);
        let mut text = "items:\n".to_owned();
        for i in 0..1_000 {
            writeln!(text, "  k{i}: [\n      \"-a\", \"b\",\n  ]").unwrap();
            if i == 500 {
                write!(text, "  script: |\n{script}").unwrap();
            }
        }
        text.push_str("late: {\n    a: 1\n}\n");
        let f = load(&text);
        assert!(f.errors.is_empty(), "{:?}", f.errors);
        let doc = &f.documents[0];
        assert_eq!(doc.root["items"]["k999"], serde_json::json!(["-a", "b"]));
        assert_eq!(doc.root["late"]["a"], 1);
        assert_eq!(
            doc.root["items"]["script"],
            "f() {\n  echo x\n}\n".repeat(100_000)
        );
        // A `}` line inside a later block scalar is text: one bracket at a time there.
        let tricky = "a: [\n  1,\n]\nb: |\n  x\n  }\nc: [\n  2,\n]\n";
        let f = load(tricky);
        assert!(f.errors.is_empty(), "{:?}", f.errors);
        assert_eq!(f.documents[0].root["b"], "x\n}\n");
        assert_eq!(f.documents[0].root["c"], serde_json::json!([2]));
    }

    #[test]
    fn non_ascii_text_keeps_byte_spans_right() {
        let text = "metadata:\n  annotations:\n    note: \"héllo wörld\"\n  name: wéb\n";
        let f = load(text);
        let doc = &f.documents[0];
        assert_eq!(
            at(text, doc, &crate::path!["metadata", "name"]),
            "name: wéb"
        );
        let lines = LineIndex::new(text);
        let span = resolve(
            &doc.root,
            &doc.spans,
            &crate::path!["metadata", "name"],
            text,
        )
        .0;
        assert_eq!(
            lines.line_col(text, span.end).column,
            12,
            "columns count characters"
        );
    }

    #[test]
    fn limits_are_errors_at_the_position() {
        let deep = format!("a: {}{}", "[".repeat(300), "]".repeat(300));
        let f = load(&deep);
        assert_eq!(f.errors.len(), 1);
        let bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\ne: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]\n";
        let f = load(bomb);
        assert_eq!(f.errors.len(), 1, "{:?}", f.errors);
        assert!(
            f.errors[0].message.contains("alias"),
            "{}",
            f.errors[0].message
        );
        let mut block_deep = String::new();
        for i in 0..300 {
            block_deep.push_str(&" ".repeat(i));
            block_deep.push_str("k:\n");
        }
        let f = load(&block_deep);
        assert!(
            f.errors[0].message.contains("nesting"),
            "{}",
            f.errors[0].message
        );
    }

    #[test]
    fn alias_chains_count_towards_the_depth_limit() {
        // Each level aliases the previous one inside 50 more brackets: 50 levels written,
        // 250 reached through the aliases.
        let open = "[".repeat(50);
        let close = "]".repeat(50);
        let text: String = std::iter::once(format!("l0: &l0 {open}x{close}\n"))
            .chain((1..5).map(|i| format!("l{i}: &l{i} {open}*l{}{close}\n", i - 1)))
            .collect();
        let limits = Limits {
            max_depth: 200,
            ..Limits::default()
        };
        let f = load_str(&text, &LineIndex::new(&text), &limits);
        assert_eq!(f.errors.len(), 1, "{:?}", f.errors);
        assert!(
            f.errors[0].message.contains("aliases nest deeper"),
            "{}",
            f.errors[0].message
        );
        let f = load_str(&text, &LineIndex::new(&text), &Limits::default());
        assert!(f.errors.is_empty(), "{:?}", f.errors);
    }

    #[test]
    fn quoted_scalars_end_at_their_closing_quote() {
        let text = "a: \"x\\\"y\"  # c\nb: 'it''s'  # d\n";
        let f = load(text);
        let doc = &f.documents[0];
        assert_eq!(at(text, doc, &crate::path!["a"]), "a: \"x\\\"y\"");
        assert_eq!(at(text, doc, &crate::path!["b"]), "b: 'it''s'");
    }

    #[test]
    fn helm_source_comments_name_the_template() {
        let text = "---\n# Source: chart/templates/web.yaml\na: 1\n---\nb: 2\n";
        let f = load(text);
        assert_eq!(
            f.documents[0].source_name.as_deref(),
            Some("chart/templates/web.yaml")
        );
        assert_eq!(f.documents[1].source_name, None);
    }

    #[test]
    fn empty_documents_are_skipped() {
        let f = load("---\n---\n# only a comment\n---\na: 1\n...\n");
        assert_eq!(f.documents.len(), 1);
        assert_eq!(f.documents[0].index, 0);
        assert!(f.errors.is_empty());
    }
}

#[cfg(test)]
mod hostile {
    use super::*;

    #[test]
    fn nul_bytes_are_a_located_error_without_a_tab_hint() {
        let text = "apiVersion: v1\nkind: ConfigMap\u{0}\n";
        let f = load_str(text, &LineIndex::new(text), &Limits::default());
        assert_eq!(f.errors.len(), 1);
        assert!(
            !f.errors[0].message.contains("spaces"),
            "{}",
            f.errors[0].message
        );
    }

    #[test]
    fn tab_indentation_gets_the_hint() {
        let text = "metadata:\n\tname: x\n";
        let f = load_str(text, &LineIndex::new(text), &Limits::default());
        assert!(
            f.errors[0].message.contains("must use spaces"),
            "{}",
            f.errors[0].message
        );
    }
}

#[cfg(test)]
mod directives {
    use super::*;

    fn comments(text: &str) -> Vec<&str> {
        let f = load_str(text, &LineIndex::new(text), &Limits::default());
        f.directives
            .iter()
            .map(|&at| text[at as usize..].lines().next().unwrap_or(""))
            .collect()
    }

    #[test]
    fn only_real_comments_are_directives() {
        let text = "a: |\n  echo # kubeha: ignore-file\n  x\n# kubeha: ignore-file[one]\nb: >-\n  t # kubeha: x\n\n  # kubeha: y\nc: \"q # kubeha: z\n  r # kubeha: w\"\nd: 'q # kubeha: z' # kubeha: real\ne: p # kubeha: real2\nf: x#kubeha:no\n#kubeha: last\n";
        assert_eq!(
            comments(text),
            [
                "# kubeha: ignore-file[one]",
                "# kubeha: real",
                "# kubeha: real2",
                "#kubeha: last"
            ]
        );
    }

    #[test]
    fn a_broken_document_keeps_the_comments_before_the_error() {
        let text = "# kubeha: ignore-file[invalid-yaml] generated\na: b: c\n# kubeha: after\n";
        assert_eq!(
            comments(text),
            ["# kubeha: ignore-file[invalid-yaml] generated"]
        );
    }
}

#[cfg(test)]
mod skipping {
    use super::*;

    /// The loader's predicate (`model::unread_subtree`), here so the YAML layer's mechanism is
    /// tested without the Kubernetes layer.
    fn crd_spec(key: &str, earlier: &dyn Fn(&str, &str) -> bool) -> bool {
        key == "spec" && earlier("kind", "CustomResourceDefinition")
    }

    fn load(text: &str, unread: Unread) -> LoadedFile {
        load_str_in_run(
            text,
            &LineIndex::new(text),
            &Limits::default(),
            &AtomicUsize::new(0),
            unread,
        )
    }

    #[test]
    fn unread_values_are_not_built_but_keep_their_span() {
        let text = "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata: {name: a.b}\nspec:\n  group: b\n  versions: [{name: v1, schema: {x: [1, {y: 2}]}}]\nnext: 1\n";
        let f = load(text, crd_spec);
        assert!(f.errors.is_empty(), "{:?}", f.errors);
        let doc = &f.documents[0];
        assert_eq!(doc.root["spec"], Value::Null);
        assert_eq!(doc.root["next"], 1);
        assert_eq!(doc.root["metadata"]["name"], "a.b");
        let spec = &doc.spans.children[3];
        assert_eq!(
            &text[spec.key.start as usize..spec.key.end as usize],
            "spec"
        );
        // Plain YAML builds everything; so does the predicate for a Deployment's spec.
        assert_eq!(
            load(text, read_everything).documents[0].root["spec"]["group"],
            "b"
        );
        let text = "kind: Deployment\nspec: {replicas: 2}\n";
        assert_eq!(
            load(text, crd_spec).documents[0].root["spec"]["replicas"],
            2
        );
    }
}
