//! Byte offsets ↔ LSP positions, paths ↔ `file://` URIs, findings → diagnostics.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use lsp_types::{
    CodeDescription, Diagnostic, DiagnosticRelatedInformation, DiagnosticSeverity, DiagnosticTag,
    Location, NumberOrString, Position, Range, Uri,
};

use crate::finding::{Finding, Severity};
use crate::source::{FileId, LineIndex, SourceFile, Span};

/// How the client counts columns: UTF-8 bytes when it offers them, else UTF-16 code units
/// (the protocol's default).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    Utf16,
}

/// The position of byte `offset` of `text`.
pub fn position(text: &str, lines: &LineIndex, offset: u32, encoding: Encoding) -> Position {
    let offset = offset.min(text.len() as u32);
    let line = lines.line_of(offset);
    let start = lines.line_start(line).min(offset);
    let before = text.get(start as usize..offset as usize).unwrap_or("");
    let character = match encoding {
        Encoding::Utf8 => before.len(),
        Encoding::Utf16 => before.encode_utf16().count(),
    };
    Position::new(
        u32::try_from(line).unwrap_or(u32::MAX),
        u32::try_from(character).unwrap_or(u32::MAX),
    )
}

pub fn range(file: &SourceFile, span: Span, encoding: Encoding) -> Range {
    Range::new(
        position(&file.text, &file.lines, span.start, encoding),
        position(&file.text, &file.lines, span.end, encoding),
    )
}

/// The byte offset of `position` in `text`; past the end of a line is its end, past the last
/// line the end of the text (as the protocol asks).
pub fn offset(text: &str, lines: &LineIndex, position: Position, encoding: Encoding) -> usize {
    let line = position.line as usize;
    if line >= lines.line_count() {
        return text.len();
    }
    let start = lines.line_start(line) as usize;
    let end = lines.content_end(text, line) as usize;
    let content = text.get(start..end).unwrap_or("");
    let wanted = position.character as usize;
    let mut units = 0;
    for (i, c) in content.char_indices() {
        if units >= wanted {
            return start + i;
        }
        units += match encoding {
            Encoding::Utf8 => c.len_utf8(),
            Encoding::Utf16 => c.len_utf16(),
        };
    }
    end
}

/// `file:///abs/path`, percent-encoded.
pub fn uri_of(path: &Path) -> Option<Uri> {
    let mut out = String::from("file://");
    let slashed = crate::discover::slashed(path);
    if !slashed.starts_with('/') {
        out.push('/');
    }
    for b in slashed.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/' | b':') {
            out.push(char::from(b));
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    Uri::from_str(&out).ok()
}

/// The path of a `file:` URI.
pub fn path_of(uri: &Uri) -> Option<PathBuf> {
    let s = uri.as_str();
    let rest = s.strip_prefix("file://")?;
    let rest = rest.strip_prefix("localhost").unwrap_or(rest);
    let rest = rest.split(['?', '#']).next().unwrap_or("");
    let bytes = rest.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        if let (b'%', Some(h)) = (b, hex) {
            decoded.push(h);
            i += 3;
        } else {
            decoded.push(b);
            i += 1;
        }
    }
    let text = String::from_utf8(decoded).ok()?;
    // `file:///C:/x` on Windows.
    let text = match text.as_bytes() {
        [b'/', _, b':', ..] if cfg!(windows) => text.get(1..).unwrap_or("").to_owned(),
        _ => text,
    };
    Some(PathBuf::from(text))
}

/// Where a rule's documentation is published.
pub fn rule_doc_uri(rule: &str) -> Option<Uri> {
    Uri::from_str(&crate::rules::doc_url(rule)).ok()
}

/// A finding as a diagnostic: `uri_of_file` maps file numbers to URIs (related locations may
/// be in other files).
pub fn diagnostic(
    files: &[std::sync::Arc<SourceFile>],
    finding: &Finding,
    encoding: Encoding,
    uri_of_file: &dyn Fn(FileId) -> Option<Uri>,
) -> Option<Diagnostic> {
    let file = files.get(finding.file.index())?;
    let mut message = finding.message.clone();
    if let Some(help) = &finding.help {
        message.push_str("\nhelp: ");
        message.push_str(help);
    }
    let related: Vec<DiagnosticRelatedInformation> = finding
        .related
        .iter()
        .filter_map(|r| {
            let f = files.get(r.file.index())?;
            Some(DiagnosticRelatedInformation {
                location: Location::new(uri_of_file(r.file)?, range(f, r.span, encoding)),
                message: r.message.clone(),
            })
        })
        .collect();
    let tags = match finding.rule {
        "deprecated-api" => Some(vec![DiagnosticTag::DEPRECATED]),
        "unused-suppression" => Some(vec![DiagnosticTag::UNNECESSARY]),
        _ => None,
    };
    Some(Diagnostic {
        range: range(file, finding.span, encoding),
        severity: Some(match finding.severity {
            Severity::Error => DiagnosticSeverity::ERROR,
            Severity::Warning => DiagnosticSeverity::WARNING,
            Severity::Info => DiagnosticSeverity::INFORMATION,
        }),
        code: Some(NumberOrString::String(finding.rule.to_owned())),
        code_description: rule_doc_uri(finding.rule).map(|href| CodeDescription { href }),
        source: Some("kubeha".to_owned()),
        message,
        related_information: (!related.is_empty()).then_some(related),
        tags,
        data: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_count_utf16_units_or_bytes() {
        let text = "a: é😀x\nb: 1\n";
        let lines = LineIndex::new(text);
        let x = text.find('x').unwrap() as u32;
        assert_eq!(
            position(text, &lines, x, Encoding::Utf8),
            Position::new(0, 9)
        );
        assert_eq!(
            position(text, &lines, x, Encoding::Utf16),
            Position::new(0, 6)
        );
        for enc in [Encoding::Utf8, Encoding::Utf16] {
            let p = position(text, &lines, x, enc);
            assert_eq!(offset(text, &lines, p, enc), x as usize);
        }
        assert_eq!(
            offset(text, &lines, Position::new(0, 99), Encoding::Utf16),
            text.find('\n').unwrap()
        );
        assert_eq!(
            offset(text, &lines, Position::new(9, 0), Encoding::Utf16),
            text.len()
        );
    }

    #[test]
    fn uris_round_trip_with_spaces_and_hashes() {
        let path = Path::new("/tmp/my dir/#1/app é.yaml");
        let uri = uri_of(path).unwrap();
        assert_eq!(uri.as_str(), "file:///tmp/my%20dir/%231/app%20%C3%A9.yaml");
        assert_eq!(path_of(&uri).unwrap(), path);
    }
}
