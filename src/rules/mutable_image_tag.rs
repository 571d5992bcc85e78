//! `mutable-image-tag`: an image without a pinned tag or digest.

use super::{Context, Group, OptionKind, OptionMeta, Rule, RuleMeta, RuleOptions, Sink};
use crate::finding::Severity;
use crate::model::image_tag;

pub(super) struct MutableImageTag;

static META: RuleMeta = RuleMeta {
    name: "mutable-image-tag",
    group: Group::Resources,
    severity: Severity::Warning,
    enabled: true,
    summary: "an image has no tag, the tag `latest`, or a floating tag such as `main` or `alpine` (digests always pass)",
    options: super::OptionsType::of::<Options>(),
    doc: include_str!("../../rules/mutable-image-tag.md"),
};

/// `rules: { mutable-image-tag: { floating-tags: [main, canary] } }`
#[derive(Clone, Debug, serde::Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub(super) struct Options {
    pub floating_tags: Vec<String>,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            floating_tags: DEFAULT_FLOATING_TAGS
                .iter()
                .map(|&t| t.to_owned())
                .collect(),
        }
    }
}

impl RuleOptions for Options {
    const FIELDS: &'static [OptionMeta] = &[OptionMeta {
        name: "floating-tags",
        help: "tags that move like a branch (compared case-insensitively; replaces the default list)",
        kind: OptionKind::Strings,
    }];
}

/// Tags that name a branch or a moving release channel, and bare distribution tags that
/// follow the distribution's newest release.
const DEFAULT_FLOATING_TAGS: &[&str] = &[
    "master",
    "main",
    "dev",
    "develop",
    "development",
    "trunk",
    "edge",
    "nightly",
    "snapshot",
    "stable",
    "alpine",
    "slim",
    "bookworm",
    "bullseye",
    "buster",
    "jammy",
    "noble",
    "focal",
];

impl Rule for MutableImageTag {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Sink<'_>) {
        let options = cx.options::<Options>();
        let floating = &options.floating_tags;
        for w in &cx.index.workloads {
            let spec = w.pod_spec;
            let lists = [
                (
                    "initContainers",
                    spec.init_containers.as_deref().unwrap_or_default(),
                ),
                ("containers", spec.containers.as_slice()),
            ];
            for (field, containers) in lists {
                for (i, c) in containers.iter().enumerate() {
                    let Some(image) = c.image.as_deref() else {
                        continue;
                    };
                    let problem = match image_tag(image) {
                        None => "has no tag, so it means `latest`".to_owned(),
                        Some("latest") => "uses the tag `latest`".to_owned(),
                        Some(tag) if floating.iter().any(|f| f.eq_ignore_ascii_case(tag)) => {
                            format!(
                                "uses the floating tag `{tag}`, which is moved to a new image on every push or release"
                            )
                        }
                        Some(_) => continue,
                    };
                    out.report(
                        w.object,
                        w.pod_spec_path().key(field).index(i).key("image"),
                        format!("image `{image}` of container `{}` {problem}", c.name),
                    )
                    .help("Pin a version tag (`app:1.4.2`) or a digest (`app@sha256:…`) so every replica and every rollback runs the same code");
                }
            }
        }
    }
}
