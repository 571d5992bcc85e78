//! Field paths into an object (`spec.template.spec.containers[0]`) and the one resolver that
//! turns a path into the span a finding points at.

use std::borrow::Cow;
use std::fmt;

use serde_json::Value;

use crate::source::{Span, SpanNode};

#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Seg {
    Key(Cow<'static, str>),
    Index(usize),
}

impl From<&'static str> for Seg {
    fn from(s: &'static str) -> Self {
        Seg::Key(Cow::Borrowed(s))
    }
}

impl From<String> for Seg {
    fn from(s: String) -> Self {
        Seg::Key(Cow::Owned(s))
    }
}

impl From<usize> for Seg {
    fn from(i: usize) -> Self {
        Seg::Index(i)
    }
}

/// A path of keys and list indices from an object's root.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FieldPath(pub Vec<Seg>);

/// `path!["spec", "template", 0]`
#[macro_export]
macro_rules! path {
    ($($seg:expr),* $(,)?) => {
        $crate::model::FieldPath(vec![$($crate::model::Seg::from($seg)),*])
    };
}

impl FieldPath {
    pub fn root() -> Self {
        Self(Vec::new())
    }

    pub fn from_keys(keys: &[&'static str]) -> Self {
        Self(keys.iter().map(|&k| Seg::from(k)).collect())
    }

    #[must_use]
    pub fn key(mut self, key: impl Into<Seg>) -> Self {
        self.0.push(key.into());
        self
    }

    #[must_use]
    pub fn keys(mut self, keys: &[&'static str]) -> Self {
        self.0.extend(keys.iter().map(|&k| Seg::from(k)));
        self
    }

    #[must_use]
    pub fn index(mut self, i: usize) -> Self {
        self.0.push(Seg::Index(i));
        self
    }

    /// The value at this path, if present.
    pub fn get<'v>(&self, root: &'v Value) -> Option<&'v Value> {
        self.0.iter().try_fold(root, |v, seg| match seg {
            Seg::Key(k) => v.get(k.as_ref()),
            Seg::Index(i) => v.get(*i),
        })
    }
}

/// Where a `serde_path_to_error` decode failed, as a field path (a key, an index; an enum
/// variant or a non-string key adds nothing).
impl From<&serde_path_to_error::Path> for FieldPath {
    fn from(path: &serde_path_to_error::Path) -> Self {
        Self(
            path.iter()
                .filter_map(|seg| match seg {
                    serde_path_to_error::Segment::Seq { index } => Some(Seg::Index(*index)),
                    serde_path_to_error::Segment::Map { key } => Some(Seg::from(key.clone())),
                    _ => None,
                })
                .collect(),
        )
    }
}

impl fmt::Display for FieldPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, seg) in self.0.iter().enumerate() {
            match seg {
                Seg::Key(k) if i == 0 => f.write_str(k)?,
                Seg::Key(k) => write!(f, ".{k}")?,
                Seg::Index(n) => write!(f, "[{n}]")?,
            }
        }
        Ok(())
    }
}

impl FieldPath {
    /// The value at this path, mutably.
    pub fn get_mut<'v>(&self, root: &'v mut Value) -> Option<&'v mut Value> {
        self.0.iter().try_fold(root, |v, seg| match seg {
            Seg::Key(k) => v.get_mut(k.as_ref()),
            Seg::Index(i) => v.get_mut(*i),
        })
    }

    /// The span node of the value at this path, if the path exists.
    pub fn node<'s>(&self, root: &Value, spans: &'s SpanNode) -> Option<&'s SpanNode> {
        self.node_where(root, spans, |_, _| true)
    }

    /// [`FieldPath::node`], when every step down from a parent node to its child passes
    /// `step(parent, child)` (the fixer asks that each be written inside its parent's text).
    pub fn node_where<'s>(
        &self,
        root: &Value,
        spans: &'s SpanNode,
        step: impl Fn(&SpanNode, &SpanNode) -> bool,
    ) -> Option<&'s SpanNode> {
        let mut value = root;
        let mut node = spans;
        for seg in &self.0 {
            let i = match (seg, value) {
                (Seg::Key(k), Value::Object(map)) => map.keys().position(|key| key == k)?,
                (Seg::Index(i), Value::Array(_)) => *i,
                _ => return None,
            };
            value = match seg {
                Seg::Key(k) => value.get(k.as_ref())?,
                Seg::Index(i) => value.get(*i)?,
            };
            let child = node.children.get(i)?;
            if !step(node, child) {
                return None;
            }
            node = child;
        }
        Some(node)
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Reached {
    Root,
    Key,
    Item,
}

/// The span a finding at `path` points at, and whether the path exists to its end.
///
/// A mapping entry with a scalar value gives `key: value`; with a collection value, the key; a
/// list item that is a mapping gives its first entry; an absent field gives the nearest parent.
pub fn resolve(root: &Value, spans: &SpanNode, path: &FieldPath, text: &str) -> (Span, bool) {
    let mut value = root;
    let mut node = spans;
    let mut reached = Reached::Root;
    let mut exact = true;
    for seg in &path.0 {
        let next = match (seg, value) {
            (Seg::Key(k), Value::Object(map)) => map
                .keys()
                .position(|key| key == k)
                .and_then(|i| map.get(k.as_ref()).zip(node.children.get(i)))
                .map(|(v, n)| (v, n, Reached::Key)),
            (Seg::Index(i), Value::Array(items)) => items
                .get(*i)
                .zip(node.children.get(*i))
                .map(|(v, n)| (v, n, Reached::Item)),
            _ => None,
        };
        let Some((v, n, how)) = next else {
            exact = false;
            break;
        };
        value = v;
        node = n;
        reached = how;
    }
    (label(value, node, reached, text), exact)
}

fn label(value: &Value, node: &SpanNode, reached: Reached, text: &str) -> Span {
    match reached {
        Reached::Key => entry_span(value, node, text),
        Reached::Root | Reached::Item => match (value, node.children.first()) {
            (Value::Object(map), Some(first)) => match map.values().next() {
                Some(v) => entry_span(v, first, text),
                None => node.value,
            },
            _ => first_line(node.value, text),
        },
    }
}

/// `key: value` when the value is a scalar on the key's line, else the key alone.
fn entry_span(value: &Value, node: &SpanNode, text: &str) -> Span {
    if value.is_object() || value.is_array() || node.value.end <= node.key.start {
        return node.key;
    }
    let whole = node.key.cover(node.value);
    let inner = text
        .get(whole.start as usize..whole.end as usize)
        .unwrap_or("");
    if inner.contains('\n') {
        node.key
    } else {
        whole
    }
}

fn first_line(span: Span, text: &str) -> Span {
    let inner = text
        .get(span.start as usize..span.end as usize)
        .unwrap_or("");
    match inner.find('\n') {
        Some(nl) => Span::new(span.start, span.start + nl as u32),
        None => span,
    }
}
