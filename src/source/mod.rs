//! Source files, byte spans and the line index that turns spans into lines and columns.

mod scalar;
mod yaml;

pub use scalar::{KeyText, Resolved, resolve_plain};
pub(crate) use yaml::PARALLEL_BYTES;
pub use yaml::{
    DIRECTIVE, Document, DuplicateKey, Limits, LoadError, LoadedFile, NODE_BYTES, SpanNode, Unread,
    count_events, flags, load_str, load_str_in_run, read_everything,
};

use std::sync::Arc;

/// A half-open byte range `[start, end)` in one source file.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Span {
    pub start: u32,
    pub end: u32,
}

impl Span {
    pub const fn new(start: u32, end: u32) -> Self {
        Self { start, end }
    }

    pub const fn empty(at: u32) -> Self {
        Self { start: at, end: at }
    }

    pub const fn len(self) -> u32 {
        self.end.saturating_sub(self.start)
    }

    pub const fn is_empty(self) -> bool {
        self.end <= self.start
    }

    /// The smallest span covering both.
    #[must_use]
    pub fn cover(self, other: Span) -> Span {
        Span::new(self.start.min(other.start), self.end.max(other.end))
    }
}

/// A 1-based line and column (columns count characters, not bytes).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct LineCol {
    pub line: usize,
    pub column: usize,
}

/// Byte offsets of line starts, so that a span maps to a line in `O(log n)`.
#[derive(Debug, Clone)]
pub struct LineIndex {
    starts: Vec<u32>,
    ascii: bool,
    /// Characters before every [`CHAR_STEP`]-th byte, for non-ASCII text: a column is then
    /// counted from the nearest checkpoint, not from the line start (a finding on a 3 MB
    /// one-line JSON manifest counted up to 3 MB of characters each).
    chars_before: Vec<u32>,
}

/// Bytes between two character-count checkpoints of a [`LineIndex`].
const CHAR_STEP: usize = 1024;

/// Characters that start in `bytes` (UTF-8: every byte but continuation bytes).
fn chars_starting(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| b & 0xC0 != 0x80).count()
}

impl LineIndex {
    /// Lines end at LF, CRLF or a lone CR: the YAML parser breaks lines at all three, so a
    /// file with classic Mac line endings still gets its findings on the right lines.
    pub fn new(text: &str) -> Self {
        let bytes = text.as_bytes();
        let mut starts = Vec::with_capacity(text.len() / 32 + 1);
        starts.push(0);
        starts.extend(
            memchr::memchr2_iter(b'\n', b'\r', bytes)
                .filter(|&i| bytes.get(i) == Some(&b'\n') || bytes.get(i + 1) != Some(&b'\n'))
                .map(|i| (i + 1) as u32),
        );
        let ascii = text.is_ascii();
        let mut chars_before = Vec::new();
        if !ascii {
            let mut count = 0u32;
            for chunk in bytes.chunks(CHAR_STEP) {
                chars_before.push(count);
                count += chars_starting(chunk) as u32;
            }
        }
        Self {
            starts,
            ascii,
            chars_before,
        }
    }

    /// Characters of `text` before byte `offset` (a character boundary).
    fn chars_to(&self, text: &str, offset: usize) -> usize {
        let step = (offset / CHAR_STEP).min(self.chars_before.len().saturating_sub(1));
        let (from, counted) = match self.chars_before.get(step) {
            Some(&n) => (step * CHAR_STEP, n as usize),
            None => (0, 0),
        };
        counted + text.as_bytes().get(from..offset).map_or(0, chars_starting)
    }

    pub fn is_ascii(&self) -> bool {
        self.ascii
    }

    pub fn line_count(&self) -> usize {
        self.starts.len()
    }

    /// 0-based line index holding `offset`.
    pub fn line_of(&self, offset: u32) -> usize {
        match self.starts.binary_search(&offset) {
            Ok(line) => line,
            Err(next) => next.saturating_sub(1),
        }
    }

    /// Byte offset where the 0-based `line` starts (the end of the text past the last line).
    pub fn line_start(&self, line: usize) -> u32 {
        self.starts.get(line).copied().unwrap_or(u32::MAX)
    }

    /// Byte offset where the 0-based `line`'s content ends, before its line break.
    pub fn content_end(&self, text: &str, line: usize) -> u32 {
        let end = self
            .starts
            .get(line + 1)
            .copied()
            .unwrap_or(text.len() as u32)
            .min(text.len() as u32);
        let start = self.line_start(line).min(end);
        let bytes = text
            .as_bytes()
            .get(start as usize..end as usize)
            .unwrap_or_default();
        let content = match bytes {
            [rest @ .., b'\r', b'\n'] | [rest @ .., b'\n' | b'\r'] => rest.len(),
            _ => bytes.len(),
        };
        start + content as u32
    }

    pub fn line_col(&self, text: &str, offset: u32) -> LineCol {
        let offset = offset.min(text.len() as u32);
        let line = self.line_of(offset);
        let start = self.line_start(line).min(offset);
        let column = if self.ascii
            || !text.is_char_boundary(start as usize)
            || !text.is_char_boundary(offset as usize)
        {
            (offset - start) as usize
        } else {
            self.chars_to(text, offset as usize) - self.chars_to(text, start as usize)
        };
        LineCol {
            line: line + 1,
            column: column + 1,
        }
    }
}

/// What a file is in a run.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Role {
    /// Linted and reported on.
    Linted,
    /// Loaded so cross-object rules can resolve references, not reported on (`--context`).
    Context,
    /// The `.kubeha.yaml` of the run: findings point into it (unused `ignore:` entries).
    Config,
    /// Walked, and none of its documents is a Kubernetes object: kept so file numbers stay
    /// put, not reported on.
    NotManifest,
}

/// A file of a run: its place in the workspace's file list, which a report keeps (and extends
/// with the config files its findings point into).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FileId(usize);

impl FileId {
    pub const fn new(index: usize) -> Self {
        FileId(index)
    }

    /// Its index in the file list.
    pub const fn index(self) -> usize {
        self.0
    }
}

/// The file list of a run, looked up by [`FileId`].
pub trait FileList {
    fn file(&self, id: FileId) -> Option<&Arc<SourceFile>>;
}

impl FileList for [Arc<SourceFile>] {
    fn file(&self, id: FileId) -> Option<&Arc<SourceFile>> {
        self.get(id.index())
    }
}

/// One input file (or stdin), its text and line index. Shared by every finding that points into it.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// The path as the user gave it (directory + relative path), or the stdin name.
    pub name: String,
    pub text: String,
    pub lines: LineIndex,
    /// Read from standard input: there is no file on disk whose lines these are.
    pub stdin: bool,
    pub role: Role,
}

impl SourceFile {
    pub fn new(name: String, text: String) -> Arc<Self> {
        Self::with_role(name, text, false, Role::Linted)
    }

    /// A file read from disk (`stdin: false`) or from standard input, in `role`.
    pub fn with_role(name: String, text: String, stdin: bool, role: Role) -> Arc<Self> {
        let lines = LineIndex::new(&text);
        Arc::new(Self {
            name,
            text,
            lines,
            stdin,
            role,
        })
    }

    /// Reported on: its findings are shown (not context, config or a skipped file).
    pub fn is_linted(&self) -> bool {
        self.role == Role::Linted
    }

    pub fn line_col(&self, offset: u32) -> LineCol {
        self.lines.line_col(&self.text, offset)
    }

    /// The text of a span, or "" when it is out of range.
    pub fn slice(&self, span: Span) -> &str {
        self.text
            .get(span.start as usize..span.end as usize)
            .unwrap_or("")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_on_a_long_non_ascii_line_count_from_checkpoints() {
        // One 3 MB line: 20,000 columns counted from the line start are 30 GB of characters.
        let text = format!("{{\"a\": \"{}\"}}\n", "é€x".repeat(500_000));
        let lines = LineIndex::new(&text);
        let boundaries: Vec<usize> = text.char_indices().map(|(b, _)| b).collect();
        let picks = 20_000;
        let stride = boundaries.len() / picks;
        for (n, &offset) in boundaries.iter().step_by(stride).enumerate() {
            let at = lines.line_col(&text, offset as u32);
            assert_eq!(at.line, 1);
            if n % 1_000 == 0 {
                assert_eq!(at.column, text[..offset].chars().count() + 1);
            }
        }
        let end = lines.line_col(&text, text.len() as u32);
        assert_eq!((end.line, end.column), (2, 1));
        let last = lines.line_col(&text, text.len() as u32 - 1);
        assert_eq!(last.column, text.chars().count());
    }
}
