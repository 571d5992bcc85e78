//! Rule settings and typed rule options.
//!
//! A rule with options owns a `serde` struct of them (`#[serde(default, deny_unknown_fields,
//! rename_all = "kebab-case")]`, its `Default` the documented defaults) and names it in its
//! [`RuleMeta`](super::RuleMeta) as [`OptionsType::of`]. The config decodes `rules.<name>`
//! with that erased decoder, without knowing the type, and the rule reads its struct back with
//! [`Context::options`](super::Context::options). So the config depends on the registry (a
//! name → its decoder), and no rule depends on the config.

use std::any::Any;
use std::fmt;
use std::sync::Arc;

use serde::de::DeserializeOwned;
use serde_json::Value;

use super::RuleMeta;
use crate::finding::Severity;
use crate::model::FieldPath;

/// The kind of value an option takes: what `kubeha config-schema` and error messages say.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OptionKind {
    /// A non-negative integer that fits a `u32`.
    Count,
    /// A list of strings.
    Strings,
}

impl OptionKind {
    /// What a value of this kind is, for "must be …".
    pub fn expected(self) -> &'static str {
        match self {
            OptionKind::Count => "a non-negative integer",
            OptionKind::Strings => "a list of strings",
        }
    }
}

/// One option, as documented: its key in `.kubeha.yaml`, help and kind.
#[derive(Clone, Copy, Debug)]
pub struct OptionMeta {
    pub name: &'static str,
    pub help: &'static str,
    pub kind: OptionKind,
}

/// A rule's options struct.
pub trait RuleOptions:
    DeserializeOwned + Default + Clone + fmt::Debug + Send + Sync + 'static
{
    /// Each option of the struct, in field order. A registry test checks these names against
    /// the struct's serde fields, so the documentation cannot drift from the type.
    const FIELDS: &'static [OptionMeta];
}

/// The options of a rule that has none: any key but `severity` is an unknown option.
#[derive(Clone, Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NoOptions {}

impl RuleOptions for NoOptions {
    const FIELDS: &'static [OptionMeta] = &[];
}

/// Some rule's options, decoded; only that rule knows (and downcasts to) the type.
pub type AnyOptions = Arc<dyn Any + Send + Sync>;

/// A rule's options type, erased to what the config needs: its documented fields, its
/// defaults, and a decoder.
#[derive(Clone, Copy)]
pub struct OptionsType {
    /// The options, as documented (schema, `kubeha rules`, error messages).
    pub fields: &'static [OptionMeta],
    /// The keys the struct's `Deserialize` accepts (for the registry test).
    pub serde_fields: fn() -> &'static [&'static str],
    defaults: fn() -> AnyOptions,
    decode: fn(&Value) -> Result<AnyOptions, FieldPath>,
}

impl OptionsType {
    pub const fn of<T: RuleOptions>() -> Self {
        Self {
            fields: T::FIELDS,
            serde_fields: crate::suggest::fields_of::<T>,
            defaults: defaults_of::<T>,
            decode: decode_as::<T>,
        }
    }

    /// A rule without options.
    pub const NONE: Self = Self::of::<NoOptions>();

    pub fn defaults(&self) -> AnyOptions {
        (self.defaults)()
    }

    /// Decodes a rule's settings mapping without its `severity`. The error is the path of the
    /// offending key or value, relative to that mapping.
    pub fn decode(&self, value: &Value) -> Result<AnyOptions, FieldPath> {
        (self.decode)(value)
    }

    pub fn field(&self, name: &str) -> Option<&'static OptionMeta> {
        self.fields.iter().find(|o| o.name == name)
    }
}

impl fmt::Debug for OptionsType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OptionsType")
            .field("fields", &self.fields)
            .finish_non_exhaustive()
    }
}

fn defaults_of<T: RuleOptions>() -> AnyOptions {
    Arc::new(T::default())
}

fn decode_as<T: RuleOptions>(value: &Value) -> Result<AnyOptions, FieldPath> {
    serde_path_to_error::deserialize::<_, T>(value)
        .map(|o| Arc::new(o) as AnyOptions)
        .map_err(|e| FieldPath::from(e.path()))
}

/// A rule's effective settings: on/off, severity, options.
#[derive(Clone, Debug)]
pub struct RuleSettings {
    pub enabled: bool,
    pub severity: Severity,
    /// The user set `severity` for this rule: it then applies to every sub-case, overriding
    /// the sub-case defaults a rule may give (`Reported::severity`).
    pub severity_configured: bool,
    /// The rule's options, decoded with its [`OptionsType`].
    pub options: AnyOptions,
    /// The options as written in the config (`None`: the defaults), so two configs can tell
    /// whether their rules behave alike.
    pub written: Option<Value>,
}

impl RuleSettings {
    pub fn defaults(meta: &RuleMeta) -> Self {
        Self {
            enabled: meta.enabled,
            severity: meta.severity,
            severity_configured: false,
            options: meta.options.defaults(),
            written: None,
        }
    }
}
