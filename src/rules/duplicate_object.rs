//! `duplicate-object`: two documents that define the same object.

use std::collections::HashMap;

use super::{Context, Group, OUTSIDE_FILES, Rule, RuleMeta, Sink};
use crate::finding::Severity;
use crate::path;

pub struct DuplicateObject;

static META: RuleMeta = RuleMeta {
    name: "duplicate-object",
    group: Group::Manifest,
    severity: Severity::Error,
    enabled: true,
    summary: "two documents share group, kind, namespace and name: the later replaces the earlier",
    options: &[],
    doc: include_str!("../../rules/duplicate-object.md"),
};

impl Rule for DuplicateObject {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Sink<'_>) {
        let mut first = HashMap::new();
        for o in cx.objects.iter().filter(|o| !o.name.is_empty()) {
            let key = (
                o.group(),
                o.kind.as_str(),
                o.namespace.as_str(),
                o.name.as_str(),
            );
            let Some(earlier) = first.get(&key).copied() else {
                first.insert(key, o);
                continue;
            };
            let earlier: &crate::model::Object = earlier;
            let file = cx.files.get(earlier.file).map_or("", |f| f.name.as_str());
            out.report(
                o,
                path!["metadata", "name"],
                format!(
                    "{} in namespace `{}` is defined twice (first in {file}, document {})",
                    o.describe(),
                    o.namespace,
                    earlier.document + 1
                ),
            )
            .related(earlier, &path!["metadata", "name"], "first definition")
            .help(format!(
                "Remove or rename one of them: applying both keeps only the last; {OUTSIDE_FILES}"
            ));
        }
    }
}
