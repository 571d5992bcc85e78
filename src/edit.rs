//! Edits on YAML as it is written: replace a scalar, add an entry to a mapping (block or flow,
//! at the indentation of its keys), remove an entry, append a document after an object. Each
//! helper returns `None` when the edit is not certain (a node copied from an anchor, a merge
//! key, a layout it does not know), and the rule then offers no fix.

use serde_json::Value;

use crate::finding::{Applicability, Edit, Fix};
use crate::model::{FieldPath, Object};
use crate::source::{
    FileId, LineIndex, Resolved, SourceFile, Span, SpanNode, flags, resolve_plain,
};

/// One file's text, for building edits in it.
pub(crate) struct Editor<'a> {
    pub file: crate::source::FileId,
    pub text: &'a str,
    pub lines: &'a LineIndex,
}

impl<'a> Editor<'a> {
    pub(crate) fn new(file: FileId, text: &'a str, lines: &'a LineIndex) -> Self {
        Self { file, text, lines }
    }

    /// The text of the file `o` is in.
    pub(crate) fn of(files: &'a [std::sync::Arc<SourceFile>], o: &Object) -> Option<Self> {
        let f = files.get(o.file.index())?;
        Some(Self::new(o.file, &f.text, &f.lines))
    }

    /// The node at `path` of `o` (see [`written_node`]) with its text, when it is a plain scalar
    /// on one line.
    pub(crate) fn plain_scalar<'o>(
        &self,
        o: &'o Object,
        path: &FieldPath,
    ) -> Option<(&'o SpanNode, &'a str)> {
        let node = written_node(o, path)?;
        let written = self.slice(node.value);
        let plain = !written.is_empty()
            && node.children.is_empty()
            && !written.contains([
                '\n', '\r', '\\', '"', '\'', '#', '{', '[', '&', '*', '!', '|', '>',
            ]);
        plain.then_some((node, written))
    }

    /// Quotes the plain scalar at `path` (`yes` → `"yes"`), keeping its text: the safe fix of
    /// `ambiguous-scalar`.
    pub(crate) fn quote(&self, o: &Object, path: &FieldPath) -> Option<Fix> {
        let (node, written) = self.plain_scalar(o, path)?;
        if !node.has_flag(flags::NON_STRING) {
            return None;
        }
        Some(Fix {
            title: format!("Quote `{written}`"),
            applicability: Applicability::Safe,
            edits: vec![self.edit(node.value, format!("\"{written}\""))],
        })
    }

    /// Replaces the scalar at `path` of `o` by `text`, keeping its quotes when it is quoted.
    pub(crate) fn set_scalar(&self, o: &Object, path: &FieldPath, text: &str) -> Option<Edit> {
        let node = written_node(o, path)?;
        if !node.children.is_empty() {
            return None;
        }
        let written = self.slice(node.value);
        let quote = written.chars().next().filter(|c| matches!(c, '"' | '\''));
        match quote {
            Some(q) if written.len() >= 2 && written.ends_with(q) && !text.contains(q) => {
                Some(self.edit(node.value, format!("{q}{text}{q}")))
            }
            None if !written.is_empty() && !written.contains(['\n', '\r']) => {
                Some(self.edit(node.value, text))
            }
            _ => None,
        }
    }

    /// Sets `key` in the mapping at `map_path` of `o` to `value`: replaces the scalar when the
    /// key is there, adds the entry when it is not (before the key `before` when the mapping
    /// has it, so `replicas` lands next to where people write it; else last).
    pub(crate) fn set_entry(
        &self,
        o: &Object,
        map_path: &FieldPath,
        key: &'static str,
        value: &Value,
        before: Option<&str>,
    ) -> Option<Edit> {
        let map = written_node(o, map_path)?;
        let map_value = map_path.get(&o.raw)?.as_object()?;
        if !map_value.contains_key(key)
            && let Some(i) = before.and_then(|b| map_value.keys().position(|k| k == b))
        {
            return self.insert_entry_before(map, i, key, value);
        }
        if map_value.contains_key(key) {
            let path = map_path.clone().key(key);
            let quoted = written_node(o, &path)
                .is_some_and(|n| self.slice(n.value).starts_with(['"', '\'']));
            if quoted && !value.is_string() {
                // Quotes would keep a number a string.
                return None;
            }
            return self.set_scalar(o, &path, &flow(value));
        }
        self.insert_entry(map, key, value)
    }

    pub(crate) fn slice(&self, span: Span) -> &'a str {
        self.text
            .get(span.start as usize..span.end as usize)
            .unwrap_or("")
    }

    pub(crate) fn edit(&self, span: Span, text: impl Into<String>) -> Edit {
        Edit {
            file: self.file,
            span,
            text: text.into(),
        }
    }

    /// The file's line break, as its first line ends (not a scan of the whole file per edit).
    fn newline(&self) -> &'static str {
        let first = self.text.find('\n').unwrap_or(0);
        if first > 0 && self.text.as_bytes().get(first - 1) == Some(&b'\r') {
            "\r\n"
        } else {
            "\n"
        }
    }

    fn byte(&self, at: u32) -> Option<u8> {
        self.text.as_bytes().get(at as usize).copied()
    }

    /// Whether the collection node is written in flow style (`{…}`, `[…]`).
    fn is_flow(&self, node: &SpanNode) -> bool {
        matches!(self.byte(node.value.start), Some(b'{' | b'['))
    }

    /// Where the node's text ends: after the closing bracket of a flow collection, after the
    /// last entry of a block one.
    fn content_end(&self, node: &SpanNode) -> u32 {
        if self.is_flow(node) && matches!(self.byte(node.value.end), Some(b'}' | b']')) {
            return node.value.end + 1;
        }
        match node.children.last() {
            Some(last) if !self.is_flow(node) => self.content_end(last),
            _ => node.value.end,
        }
    }

    /// The column of `at` when only indentation (spaces, and `- ` of sequence items) is before
    /// it on its line: the indentation a sibling line needs.
    fn indent_of(&self, at: u32) -> Option<usize> {
        let line = self.lines.line_of(at);
        let start = self.lines.line_start(line);
        let before = self.text.get(start as usize..at as usize)?;
        let only_indent = before.split(' ').all(|part| part.is_empty() || part == "-");
        only_indent.then_some(before.len())
    }

    /// Whether only spaces precede `at` on its line.
    fn starts_line(&self, at: u32) -> bool {
        let line = self.lines.line_of(at);
        let start = self.lines.line_start(line);
        self.text
            .get(start as usize..at as usize)
            .is_some_and(|b| b.bytes().all(|c| c == b' '))
    }

    /// The offset just past the line holding the byte before `end` (where a new line after
    /// it goes), and whether the text ends there without a line break.
    fn after_line(&self, end: u32) -> (u32, bool) {
        let line = self.lines.line_of(end.saturating_sub(1));
        let next = self.lines.line_start(line + 1);
        if (next as usize) <= self.text.len() && next > end.saturating_sub(1) {
            (next, false)
        } else {
            (self.text.len() as u32, true)
        }
    }

    /// How far this file indents a nested mapping, and a sequence under a key (0 when its
    /// `- ` stays at the key's column), from the first such pair of lines; 2 and 2 by default.
    /// Style is a file's, not one object's: the first pair in the file decides.
    fn style(&self) -> Style {
        let mut step = None;
        let mut seq = None;
        let mut prev: Option<(usize, &str)> = None;
        // The first lines tell; a bound keeps a fix in a large file from scanning all of it.
        for line in self.text.lines().take(STYLE_LINES) {
            let trimmed = line.trim_start_matches(' ');
            if trimmed.is_empty() || trimmed.starts_with('#') {
                continue;
            }
            let indent = line.len() - trimmed.len();
            if let Some((p_indent, p_text)) = prev
                && p_text.trim_end().ends_with(':')
            {
                if trimmed.starts_with("- ") {
                    seq = seq.or(Some(indent.saturating_sub(p_indent)));
                } else if indent > p_indent {
                    step = step.or(Some(indent - p_indent));
                }
            }
            if step.is_some() && seq.is_some() {
                break;
            }
            prev = Some((indent, trimmed));
        }
        let step = step.unwrap_or(2);
        Style {
            step,
            seq: seq.unwrap_or(step),
        }
    }

    /// Adds `key: value` as the last entry of the mapping `map` (whose text is `map`'s span):
    /// a line at the indentation of its keys in a block mapping, `, key: value` in a flow one.
    pub(crate) fn insert_entry(&self, map: &SpanNode, key: &str, value: &Value) -> Option<Edit> {
        let last = map.children.last()?;
        if self.is_flow(map) {
            if self.byte(map.value.start) != Some(b'{') {
                return None;
            }
            let entry = format!("{}: {}", scalar(key), flow(value));
            let at = self.content_end(last);
            return Some(self.edit(Span::empty(at), format!(", {entry}")));
        }
        let first = map.children.first()?;
        let indent = self.indent_of(first.key.start)?;
        let nl = self.newline();
        let mut lines = Vec::new();
        block_entry(key, value, indent, self.style(), &mut lines);
        let (at, at_eof) = self.after_line(self.content_end(last));
        let body = lines.join(nl);
        let text = if at_eof {
            format!("{nl}{body}")
        } else {
            format!("{body}{nl}")
        };
        Some(self.edit(Span::empty(at), text))
    }

    /// Adds `key: value` to the mapping `map` just before its entry `i`, on a line of its own
    /// at that entry's indentation (or `key: value, ` in a flow mapping); last when entry `i`
    /// does not start its line.
    pub(crate) fn insert_entry_before(
        &self,
        map: &SpanNode,
        i: usize,
        key: &str,
        value: &Value,
    ) -> Option<Edit> {
        let sibling = map.children.get(i)?;
        let entry_key = scalar(key);
        if self.is_flow(map) {
            if self.byte(map.value.start) != Some(b'{') {
                return None;
            }
            let entry = format!("{entry_key}: {}, ", flow(value));
            return Some(self.edit(Span::empty(sibling.key.start), entry));
        }
        if !self.starts_line(sibling.key.start) {
            return self.insert_entry(map, key, value);
        }
        let indent = self.indent_of(sibling.key.start)?;
        let nl = self.newline();
        let mut lines = Vec::new();
        block_entry(key, value, indent, self.style(), &mut lines);
        let at = self.lines.line_start(self.lines.line_of(sibling.key.start));
        Some(self.edit(Span::empty(at), format!("{}{nl}", lines.join(nl))))
    }

    /// Removes entry `i` of the mapping `map`: its lines in a block mapping (when it is not
    /// the only entry, and starts its line), the entry and one comma in a flow one.
    pub(crate) fn remove_entry(&self, map: &SpanNode, i: usize) -> Option<Edit> {
        let node = map.children.get(i)?;
        if self.is_flow(map) {
            let span = match (map.children.get(i + 1), i.checked_sub(1)) {
                (Some(next), _) => Span::new(node.key.start, next.key.start),
                (None, Some(p)) => {
                    let prev = map.children.get(p)?;
                    Span::new(self.content_end(prev), self.content_end(node))
                }
                (None, None) => Span::new(node.key.start, self.content_end(node)),
            };
            return Some(self.edit(span, ""));
        }
        if map.children.len() < 2 || !self.starts_line(node.key.start) {
            return None;
        }
        let start = self.lines.line_start(self.lines.line_of(node.key.start));
        let (end, _) = self.after_line(self.content_end(node));
        Some(self.edit(Span::new(start, end), ""))
    }

    /// Appends `doc` as a new document (`---` separated) right after the object `o`, which
    /// must be a whole block-style document (not an item of a `kind: List`).
    pub(crate) fn append_document(&self, o: &Object, doc: &Value) -> Option<Edit> {
        let first = o.spans.children.first()?;
        if self.is_flow(&o.spans) || self.indent_of(first.key.start) != Some(0) {
            return None;
        }
        if o.spans
            .children
            .iter()
            .any(|c| c.has_flag(flags::FROM_ALIAS))
        {
            return None;
        }
        let Value::Object(map) = doc else {
            return None;
        };
        let nl = self.newline();
        let mut lines = vec!["---".to_owned()];
        for (k, v) in map {
            block_entry(k, v, 0, self.style(), &mut lines);
        }
        let body = lines.join(nl);
        let (at, at_eof) = self.after_line(self.content_end(&o.spans));
        let text = if at_eof {
            format!("{nl}{body}")
        } else {
            format!("{body}{nl}")
        };
        Some(self.edit(Span::empty(at), text))
    }
}

/// The span node at `path` in `o`, when every node down to it is written where it stands: not
/// copied from an anchor, not merged in by `<<`, nested inside its parent's text.
pub(crate) fn written_node<'o>(o: &'o Object, path: &FieldPath) -> Option<&'o SpanNode> {
    let node = path.node_where(&o.raw, &o.spans, nested)?;
    if node.has_flag(flags::FROM_ALIAS) || !node.children.iter().all(|c| nested(node, c)) {
        return None;
    }
    Some(node)
}

/// The workload's `spec.selector.matchLabels` as written, when it is the whole selector (no
/// `matchExpressions`), not empty, and on the pod template: a generated PDB or spread
/// constraint that copies it selects exactly the workload's pods.
pub(crate) fn own_match_labels(
    w: &crate::model::Workload<'_>,
) -> Option<serde_json::Map<String, Value>> {
    let o = w.object;
    let selector = o.raw.get("spec")?.get("selector")?.as_object()?;
    let only_labels = selector.iter().all(|(k, v)| {
        k == "matchLabels" || (k == "matchExpressions" && v.as_array().is_some_and(Vec::is_empty))
    });
    let labels = selector.get("matchLabels")?.as_object()?;
    // The pods must carry them: a selector the template does not satisfy selects nothing.
    let on_pods = labels.iter().all(|(k, v)| {
        v.as_str()
            .is_some_and(|v| w.labels.get(k).is_some_and(|l| l == v))
    });
    (only_labels && !labels.is_empty() && on_pods).then(|| labels.clone())
}

fn nested(parent: &SpanNode, child: &SpanNode) -> bool {
    !child.has_flag(flags::FROM_ALIAS)
        && child.key.start >= parent.value.start
        && child.value.end <= parent.value.end.saturating_add(1)
}

/// How many lines [`Editor::style`] reads to learn the file's indentation.
const STYLE_LINES: usize = 2000;

#[derive(Clone, Copy)]
struct Style {
    step: usize,
    seq: usize,
}

/// `key: value` as block lines at `indent`.
fn block_entry(key: &str, value: &Value, indent: usize, style: Style, out: &mut Vec<String>) {
    let pad = " ".repeat(indent);
    let key = scalar(key);
    match value {
        Value::Object(map) if !map.is_empty() => {
            out.push(format!("{pad}{key}:"));
            for (k, v) in map {
                block_entry(k, v, indent + style.step, style, out);
            }
        }
        Value::Array(items) if !items.is_empty() => {
            out.push(format!("{pad}{key}:"));
            for item in items {
                block_item(item, indent + style.seq, style, out);
            }
        }
        _ => out.push(format!("{pad}{key}: {}", flow(value))),
    }
}

/// `- item` as block lines at `indent`.
fn block_item(item: &Value, indent: usize, style: Style, out: &mut Vec<String>) {
    let pad = " ".repeat(indent);
    match item {
        Value::Object(map) if !map.is_empty() => {
            let mut entries = Vec::new();
            for (k, v) in map {
                block_entry(k, v, indent + 2, style, &mut entries);
            }
            for (i, line) in entries.into_iter().enumerate() {
                if i == 0 {
                    let rest = line.get(indent + 2..).unwrap_or_default();
                    out.push(format!("{pad}- {rest}"));
                } else {
                    out.push(line);
                }
            }
        }
        _ => out.push(format!("{pad}- {}", flow(item))),
    }
}

/// The value in flow style (`{a: b, c: [d]}`).
pub(crate) fn flow(value: &Value) -> String {
    match value {
        Value::Object(map) => {
            let entries: Vec<String> = map
                .iter()
                .map(|(k, v)| format!("{}: {}", scalar(k), flow(v)))
                .collect();
            format!("{{{}}}", entries.join(", "))
        }
        Value::Array(items) => {
            let items: Vec<String> = items.iter().map(flow).collect();
            format!("[{}]", items.join(", "))
        }
        Value::String(s) => scalar(s),
        Value::Null => "null".to_owned(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
    }
}

/// A string as a YAML scalar that reads back as that string: plain when it is a simple word
/// every YAML version reads as a string, else double-quoted (JSON quoting is valid YAML).
pub(crate) fn scalar(s: &str) -> String {
    let simple = s.chars().next().is_some_and(|c| c.is_ascii_alphanumeric())
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '/' | '-'))
        && matches!(resolve_plain(s), Resolved::Str);
    if simple {
        s.to_owned()
    } else {
        serde_json::to_string(s).unwrap_or_else(|_| format!("\"{s}\""))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Seg;
    use crate::source::{Limits, load_str};
    use serde_json::json;

    fn object(text: &str) -> Object {
        let lines = LineIndex::new(text);
        let loaded = load_str(text, &lines, &Limits::default());
        let doc = loaded.documents.into_iter().next().expect("a document");
        let mut o = crate::model::test_object(doc.root);
        o.spans = doc.spans;
        o
    }

    fn applied(text: &str, edit: Option<Edit>) -> String {
        let edit = edit.expect("an edit");
        let fix = crate::finding::Fix {
            title: String::new(),
            applicability: crate::finding::Applicability::Safe,
            edits: vec![edit],
        };
        crate::fix::apply(text, &[&fix]).0
    }

    fn reparsed(text: &str) -> Value {
        let lines = LineIndex::new(text);
        let loaded = load_str(text, &lines, &Limits::default());
        assert!(loaded.errors.is_empty(), "{text}: {:?}", loaded.errors);
        let docs: Vec<Value> = loaded.documents.into_iter().map(|d| d.root).collect();
        Value::Array(docs)
    }

    fn insert(text: &str, path: &FieldPath, key: &str, value: &Value) -> String {
        let o = object(text);
        let lines = LineIndex::new(text);
        let t = Editor::new(FileId::new(0), text, &lines);
        let node = written_node(&o, path).expect("node");
        applied(text, t.insert_entry(node, key, value))
    }

    #[test]
    fn inserts_at_the_indentation_of_the_mapping_keys() {
        let text = "spec:\n    replicas: 3 # three\n    template: {}\n\n# tail\n";
        let out = insert(
            text,
            &FieldPath::from_keys(&["spec"]),
            "paused",
            &json!(true),
        );
        assert_eq!(
            out,
            "spec:\n    replicas: 3 # three\n    template: {}\n    paused: true\n\n# tail\n"
        );
    }

    #[test]
    fn inserts_into_a_flow_mapping_and_at_the_end_of_a_file_without_newline() {
        let out = insert(
            "spec: {replicas: 3}",
            &FieldPath::from_keys(&["spec"]),
            "x",
            &json!("yes"),
        );
        assert_eq!(out, "spec: {replicas: 3, x: \"yes\"}");
        let out = insert("a:\n  b: 1", &FieldPath::from_keys(&["a"]), "c", &json!(2));
        assert_eq!(out, "a:\n  b: 1\n  c: 2");
    }

    #[test]
    fn inserts_nested_block_values_that_read_back() {
        let text = "spec:\n  containers:\n  - name: a\n    image: b\n  other: 1\n";
        let value =
            json!([{"maxSkew": 1, "labelSelector": {"matchLabels": {"app": "on"}}, "keys": ["x"]}]);
        let out = insert(text, &FieldPath::from_keys(&["spec"]), "tsc", &value);
        let back = reparsed(&out);
        assert_eq!(back[0]["spec"]["tsc"], value, "{out}");
        assert!(out.contains("\n  tsc:\n  - maxSkew: 1\n"), "{out}");
    }

    #[test]
    fn inserts_into_a_mapping_that_is_a_sequence_item() {
        let text = "items:\n  - name: a\n    x: 1\n  - name: b\n";
        let out = insert(
            text,
            &FieldPath(vec![Seg::from("items"), Seg::Index(0)]),
            "z",
            &json!(2),
        );
        assert_eq!(
            out,
            "items:\n  - name: a\n    x: 1\n    z: 2\n  - name: b\n"
        );
    }

    #[test]
    fn removes_block_and_flow_entries() {
        let text = "spec:\n  replicas: 3 # gone\n  template: {}\n";
        let o = object(text);
        let lines = LineIndex::new(text);
        let t = Editor::new(FileId::new(0), text, &lines);
        let spec = written_node(&o, &FieldPath::from_keys(&["spec"])).expect("spec");
        assert_eq!(
            applied(text, t.remove_entry(spec, 0)),
            "spec:\n  template: {}\n"
        );
        for (text, i, want) in [
            (
                "spec: {replicas: 3, template: {}}\n",
                0,
                "spec: {template: {}}\n",
            ),
            (
                "spec: {template: {}, replicas: 3}\n",
                1,
                "spec: {template: {}}\n",
            ),
            ("spec: {replicas: 3}\n", 0, "spec: {}\n"),
        ] {
            let o = object(text);
            let lines = LineIndex::new(text);
            let t = Editor::new(FileId::new(0), text, &lines);
            let spec = written_node(&o, &FieldPath::from_keys(&["spec"])).expect("spec");
            assert_eq!(applied(text, t.remove_entry(spec, i)), want);
        }
    }

    #[test]
    fn appends_a_document_after_the_object() {
        let text = "a: 1\nb:\n  c: 2\n---\nz: 1\n";
        let o = object(text);
        let lines = LineIndex::new(text);
        let t = Editor::new(FileId::new(0), text, &lines);
        let doc = json!({"kind": "X", "spec": {"size": 1}});
        let out = applied(text, t.append_document(&o, &doc));
        assert_eq!(
            out,
            "a: 1\nb:\n  c: 2\n---\nkind: X\nspec:\n  size: 1\n---\nz: 1\n"
        );
    }

    #[test]
    fn nodes_from_anchors_or_merge_keys_are_not_edited() {
        let text = "base: &b {x: 1}\ncopy: *b\nmerged:\n  <<: *b\n  y: 2\n";
        let o = object(text);
        assert!(written_node(&o, &FieldPath::from_keys(&["copy"])).is_none());
        assert!(written_node(&o, &FieldPath::from_keys(&["merged"])).is_none());
        assert!(written_node(&o, &FieldPath::from_keys(&["base"])).is_some());
    }

    #[test]
    fn scalars_quote_what_would_read_as_another_type() {
        assert_eq!(scalar("web"), "web");
        assert_eq!(scalar("app.kubernetes.io/name"), "app.kubernetes.io/name");
        assert_eq!(scalar("yes"), "\"yes\"");
        assert_eq!(scalar("0644"), "\"0644\"");
        assert_eq!(scalar("a b"), "\"a b\"");
        assert_eq!(scalar("n"), "\"n\"", "YAML 1.1 reads `n` as false");
        assert_eq!(scalar(""), "\"\"");
    }
}
