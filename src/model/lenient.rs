//! A `serde_json::Value` deserializer that hands a string field the written text of an
//! unquoted YAML 1.1 non-string (`value: yes`, `mode: 0644`) and records where, so that an
//! object with many such scalars is decoded once, not once per scalar (256 `yes` in a 6 MB
//! ConfigMap took 169 s).
//!
//! Anywhere else it reads exactly as `&Value` does, with the same errors: a field that is
//! not coerced here (a visitor that asks for any type and then wants a string) still fails
//! the decode, and the loader coerces it one at a time as before.

use std::cell::RefCell;

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Unexpected, Visitor};
use serde_json::{Error, Value};

use super::{FieldPath, Seg};
use crate::source::{SpanNode, flags};

/// What a lenient decode needs besides the tree, and what it found.
pub(crate) struct Coercions<'a> {
    text: &'a str,
    /// The object: paths are read off it when a coercion is recorded.
    root: &'a Value,
    /// Most coercions in all (then the error stands, as the one-at-a-time loop gave up).
    cap: usize,
    /// Where the decoded value sits in the object ([`super::decode`]'s `de_at`).
    prefix: RefCell<FieldPath>,
    /// Positions (entry or item) from the prefix to the value being read.
    path: RefCell<Vec<usize>>,
    found: RefCell<Vec<FieldPath>>,
}

impl<'a> Coercions<'a> {
    pub(crate) fn new(root: &'a Value, text: &'a str, cap: usize) -> Self {
        Self {
            text,
            root,
            cap,
            prefix: RefCell::new(FieldPath::root()),
            path: RefCell::new(Vec::new()),
            found: RefCell::new(Vec::new()),
        }
    }

    pub(crate) fn found(&self) -> usize {
        self.found.borrow().len()
    }

    /// Forgets what a failed attempt found from `len` on.
    pub(crate) fn truncate(&self, len: usize) {
        self.found.borrow_mut().truncate(len);
    }

    pub(crate) fn set_prefix(&self, prefix: FieldPath) {
        *self.prefix.borrow_mut() = prefix;
    }

    pub(crate) fn into_found(self) -> Vec<FieldPath> {
        self.found.into_inner()
    }

    fn record(&self) -> bool {
        let mut path = self.prefix.borrow().clone();
        let mut value = path.get(self.root);
        for &i in self.path.borrow().iter() {
            let (seg, next) = match value {
                Some(Value::Object(map)) => match map.iter().nth(i) {
                    Some((k, v)) => (Seg::from(k.clone()), v),
                    None => return false,
                },
                Some(Value::Array(items)) => match items.get(i) {
                    Some(v) => (Seg::Index(i), v),
                    None => return false,
                },
                _ => return false,
            };
            path.0.push(seg);
            value = Some(next);
        }
        self.found.borrow_mut().push(path);
        true
    }

    fn enter<T>(&self, step: usize, read: impl FnOnce() -> T) -> T {
        self.path.borrow_mut().push(step);
        let out = read();
        self.path.borrow_mut().pop();
        out
    }
}

/// A value with its spans; without spans or coercions, exactly `&Value`.
#[derive(Clone, Copy)]
pub(crate) struct Lenient<'a> {
    pub(crate) value: &'a Value,
    node: Option<&'a SpanNode>,
    coercions: Option<&'a Coercions<'a>>,
}

impl<'a> Lenient<'a> {
    pub(crate) fn new(
        value: &'a Value,
        node: Option<&'a SpanNode>,
        coercions: Option<&'a Coercions<'a>>,
    ) -> Self {
        Self {
            value,
            node,
            coercions,
        }
    }

    pub(crate) fn coercions(&self) -> Option<&'a Coercions<'a>> {
        self.coercions
    }

    /// The value and spans at `path` below this one.
    pub(crate) fn at(self, path: &FieldPath) -> Option<Self> {
        let value = path.get(self.value)?;
        let node = self.node.and_then(|n| path.node(self.value, n));
        Some(Self {
            value,
            node,
            coercions: self.coercions.filter(|_| node.is_some()),
        })
    }

    /// The same spans and coercions over another value of the same shape.
    pub(crate) fn with_value(self, value: &'a Value) -> Self {
        Self { value, ..self }
    }

    /// The written text, when this is an unquoted non-string that `visitor` (wanting a string)
    /// would reject, and the cap is not reached.
    fn coercible<V: Visitor<'a>>(&self, visitor: &V) -> Option<&'a str> {
        let (coercions, node) = (self.coercions?, self.node?);
        if !node.has_flag(flags::NON_STRING) {
            return None;
        }
        let unexpected = match self.value {
            Value::Null => Unexpected::Unit,
            Value::Bool(b) => Unexpected::Bool(*b),
            Value::Number(n) => match (n.as_u64(), n.as_i64()) {
                (Some(u), _) => Unexpected::Unsigned(u),
                (None, Some(i)) => Unexpected::Signed(i),
                (None, None) => Unexpected::Float(n.as_f64().unwrap_or_default()),
            },
            _ => return None,
        };
        let error = <Error as de::Error>::invalid_type(unexpected, visitor);
        if !super::decode::plain_words(&error.to_string()).contains("expected a string")
            || coercions.found() >= coercions.cap
        {
            return None;
        }
        let written = coercions
            .text
            .get(node.value.start as usize..node.value.end as usize)?;
        coercions.record().then_some(written)
    }

    fn children(&self) -> std::slice::Iter<'a, SpanNode> {
        self.node.map_or(&[][..], |n| n.children.as_slice()).iter()
    }

    fn visit_array<V: Visitor<'a>>(
        self,
        items: &'a [Value],
        visitor: V,
    ) -> Result<V::Value, Error> {
        let mut seq = Seq {
            items: items.iter().enumerate(),
            nodes: self.children(),
            coercions: self.coercions,
        };
        let out = visitor.visit_seq(&mut seq)?;
        if seq.items.len() == 0 {
            Ok(out)
        } else {
            Err(de::Error::invalid_length(
                items.len(),
                &"fewer elements in array",
            ))
        }
    }

    fn visit_object<V: Visitor<'a>>(
        self,
        map: &'a serde_json::Map<String, Value>,
        visitor: V,
    ) -> Result<V::Value, Error> {
        let mut entries = Entries {
            iter: map.iter().enumerate(),
            nodes: self.children(),
            coercions: self.coercions,
            pending: None,
        };
        let out = visitor.visit_map(&mut entries)?;
        if entries.iter.len() == 0 {
            Ok(out)
        } else {
            Err(de::Error::invalid_length(
                map.len(),
                &"fewer elements in map",
            ))
        }
    }
}

macro_rules! forward {
    ($($method:ident)*) => {$(
        fn $method<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value, Error> {
            self.value.$method(visitor)
        }
    )*};
}

impl<'a> Deserializer<'a> for Lenient<'a> {
    type Error = Error;

    forward! {
        deserialize_bool deserialize_i8 deserialize_i16 deserialize_i32 deserialize_i64
        deserialize_i128 deserialize_u8 deserialize_u16 deserialize_u32 deserialize_u64
        deserialize_u128 deserialize_f32 deserialize_f64 deserialize_char deserialize_bytes
        deserialize_byte_buf deserialize_unit deserialize_identifier deserialize_ignored_any
    }

    fn deserialize_any<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.value {
            Value::Array(items) => self.visit_array(items, visitor),
            Value::Object(map) => self.visit_object(map, visitor),
            other => other.deserialize_any(visitor),
        }
    }

    fn deserialize_str<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.coercible(&visitor) {
            Some(written) => visitor.visit_borrowed_str(written),
            None => self.value.deserialize_str(visitor),
        }
    }

    fn deserialize_string<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_str(visitor)
    }

    fn deserialize_option<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.value {
            Value::Null => visitor.visit_none(),
            _ => visitor.visit_some(self),
        }
    }

    fn deserialize_unit_struct<V: Visitor<'a>>(
        self,
        name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.value.deserialize_unit_struct(name, visitor)
    }

    fn deserialize_newtype_struct<V: Visitor<'a>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Error> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_seq<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.value {
            Value::Array(items) => self.visit_array(items, visitor),
            other => other.deserialize_seq(visitor),
        }
    }

    fn deserialize_tuple<V: Visitor<'a>>(self, _len: usize, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_tuple_struct<V: Visitor<'a>>(
        self,
        _name: &'static str,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_map<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.value {
            Value::Object(map) => self.visit_object(map, visitor),
            other => other.deserialize_map(visitor),
        }
    }

    fn deserialize_struct<V: Visitor<'a>>(
        self,
        name: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        match self.value {
            Value::Array(items) => self.visit_array(items, visitor),
            Value::Object(map) => self.visit_object(map, visitor),
            other => other.deserialize_struct(name, fields, visitor),
        }
    }

    fn deserialize_enum<V: Visitor<'a>>(
        self,
        name: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.value.deserialize_enum(name, variants, visitor)
    }
}

struct Seq<'a> {
    items: std::iter::Enumerate<std::slice::Iter<'a, Value>>,
    nodes: std::slice::Iter<'a, SpanNode>,
    coercions: Option<&'a Coercions<'a>>,
}

impl<'a> SeqAccess<'a> for Seq<'a> {
    type Error = Error;

    fn next_element_seed<T: DeserializeSeed<'a>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, Error> {
        let Some((i, value)) = self.items.next() else {
            return Ok(None);
        };
        let item = Lenient::new(value, self.nodes.next(), self.coercions);
        match self.coercions {
            Some(c) => c.enter(i, || seed.deserialize(item)),
            None => seed.deserialize(item),
        }
        .map(Some)
    }

    fn size_hint(&self) -> Option<usize> {
        match self.items.size_hint() {
            (lower, Some(upper)) if lower == upper => Some(upper),
            _ => None,
        }
    }
}

struct Entries<'a> {
    iter: std::iter::Enumerate<serde_json::map::Iter<'a>>,
    nodes: std::slice::Iter<'a, SpanNode>,
    coercions: Option<&'a Coercions<'a>>,
    pending: Option<(usize, Lenient<'a>)>,
}

impl<'a> MapAccess<'a> for Entries<'a> {
    type Error = Error;

    fn next_key_seed<K: DeserializeSeed<'a>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Error> {
        let Some((i, (key, value))) = self.iter.next() else {
            return Ok(None);
        };
        self.pending = Some((i, Lenient::new(value, self.nodes.next(), self.coercions)));
        seed.deserialize(de::value::BorrowedStrDeserializer::new(key.as_str()))
            .map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'a>>(&mut self, seed: V) -> Result<V::Value, Error> {
        let Some((i, value)) = self.pending.take() else {
            return Err(de::Error::custom("value is missing"));
        };
        match self.coercions {
            Some(c) => c.enter(i, || seed.deserialize(value)),
            None => seed.deserialize(value),
        }
    }

    fn size_hint(&self) -> Option<usize> {
        match self.iter.size_hint() {
            (lower, Some(upper)) if lower == upper => Some(upper),
            _ => None,
        }
    }
}
