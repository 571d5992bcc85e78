//! `mutable-image-tag`: an image without a pinned tag or digest.

use super::{Context, Group, OptionDefault, OptionMeta, Rule, RuleMeta, Sink};
use crate::finding::Severity;
use crate::model::image_tag;

pub(super) struct MutableImageTag;

static META: RuleMeta = RuleMeta {
    name: "mutable-image-tag",
    group: Group::Resources,
    severity: Severity::Warning,
    enabled: true,
    summary: "an image has no tag, the tag `latest`, or a floating tag such as `main` or `alpine` (digests always pass)",
    options: &[OptionMeta {
        name: "floating-tags",
        help: "tags that move like a branch (compared case-insensitively; replaces the default list)",
        default: OptionDefault::Strings(DEFAULT_FLOATING_TAGS),
    }],
    doc: include_str!("../../rules/mutable-image-tag.md"),
};

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
        let floating = cx.strings_option("floating-tags");
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
