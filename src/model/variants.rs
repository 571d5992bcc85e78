//! The variant model: which files of a run are applied together, and which are alternatives.
//!
//! `kubectl apply -f DIR` does not recurse, and a kustomization lists its own resources, so the
//! unit that is applied together is a **directory** (standard input counts as one directory
//! of its own). A repository often holds several renderings of one application side by side:
//! `envs/dev` and `envs/prod`, `clusters/eu` and `clusters/us`, `install/` and `install/ha/`.
//! They are told apart by what they define: two directories that both define an object of the
//! same identity (API group, kind, namespace, name) are **variants** of each other.
//!
//! Variants are recorded where the two paths part. For directories `X` and `Y` with deepest
//! common ancestor `L`, each side is the first step below `L` (`L/x`, with everything under
//! it) or, when `X` is `L` itself, the files directly in `L`. So a collision between
//! `envs/dev/app` and `envs/prod/app` makes all of `envs/dev/**` a variant of `envs/prod/**`,
//! and one between `install/` and `install/ha/` makes the files directly in `install/` a
//! variant of `install/ha/**`, while `install/extra/` stays common to both.
//!
//! Two files are variants of each other when their paths part at such a recorded pair, or when
//! the configuration declares them alternatives (`variants:` in `.kubeha.yaml`, for files in
//! one directory). Cross-object rules never pair objects of two variant files. Files in a
//! directory that no other directory contradicts (`base/`) pair with every variant.
//! `--context` files never make variants: they are the surroundings the user named.

use std::collections::{HashMap, HashSet};
use std::path::{Component, Path};

use super::Object;
use super::scope::is_cluster_scoped;
use crate::source::FileId;

/// One `variants:` entry of the config, e.g. `[install.yaml, ha-install.yaml]`: one glob per
/// variant. Files named by different globs of one entry are variants of each other.
#[derive(Clone, Debug)]
pub struct VariantSet {
    /// Each variant's glob, as written and compiled.
    pub members: Vec<(String, globset::GlobMatcher)>,
    /// Where the entry is in the config file.
    pub span: crate::source::Span,
}

/// What a run's file is, for the variant model.
#[derive(Debug, Clone, Copy)]
pub struct FileUnit<'a> {
    /// The name findings carry: the path as given, or the stdin name.
    pub name: &'a str,
    pub stdin: bool,
    /// Loaded only as `--context`.
    pub context: bool,
}

/// Identity of an object in a cluster: API group, kind, namespace (empty for a cluster-scoped
/// kind, whose `metadata.namespace` is ignored) and name.
pub type Identity<'a> = (&'a str, &'a str, &'a str, &'a str);

/// The identity of a named object, or `None` for an unnamed one.
pub fn identity(o: &Object) -> Option<Identity<'_>> {
    if o.name.is_empty() {
        return None;
    }
    let group = o.group();
    let namespace = if is_cluster_scoped(group, &o.kind) {
        ""
    } else {
        o.namespace.as_str()
    };
    Some((group, o.kind.as_str(), namespace, o.name.as_str()))
}

/// The side of a parting point: the named child directory, or the files directly in it.
const HERE: u32 = u32::MAX;
/// The one pseudo-directory of standard input.
const STDIN: &str = "\u{0}stdin";

#[derive(Debug, Default)]
struct Dir {
    /// Interned path components.
    parts: Vec<u32>,
    /// `prefixes[k]`: the interned id of `parts[..k]`, for `k` in `0..=parts.len()`.
    prefixes: Vec<u32>,
}

#[derive(Debug, Default)]
pub struct Variants {
    /// Per file: index into `dirs`.
    file_dir: Vec<usize>,
    dirs: Vec<Dir>,
    /// `(parting point, side, side)`, sides ordered.
    pairs: HashSet<(u32, u32, u32)>,
    /// Per file: `(variants entry, member)` of each declaration that names it.
    declared: Vec<Vec<(usize, usize)>>,
    /// Per file: read from standard input.
    stdin: Vec<bool>,
    active: bool,
}

/// The directory of a file name as components; `.` parts are dropped.
fn dir_parts(name: &str) -> Vec<String> {
    let parent = Path::new(name).parent().unwrap_or(Path::new(""));
    parent
        .components()
        .filter_map(|c| match c {
            Component::CurDir => None,
            Component::RootDir => Some("/".to_owned()),
            other => Some(other.as_os_str().to_string_lossy().into_owned()),
        })
        .collect()
}

/// Whether a `variants:` glob names this file: the whole name, or the name from any `/`
/// on (so `manifests/install.yaml` names `./repo/manifests/install.yaml` too).
pub fn glob_names(glob: &globset::GlobMatcher, name: &str) -> bool {
    let name = name.strip_prefix("./").unwrap_or(name);
    glob.is_match(name)
        || name
            .match_indices('/')
            .any(|(i, _)| name.get(i + 1..).is_some_and(|rest| glob.is_match(rest)))
}

impl Variants {
    /// No variants at all: every pair of files is compatible.
    pub fn none() -> Self {
        Self::default()
    }

    pub fn new(files: &[FileUnit<'_>], declared: &[VariantSet], objects: &[Object]) -> Self {
        let mut names: HashMap<String, u32> = HashMap::new();
        let mut prefixes: HashMap<Vec<u32>, u32> = HashMap::new();
        let mut dir_ids: HashMap<Vec<u32>, usize> = HashMap::new();
        let mut dirs = Vec::new();
        let mut file_dir = Vec::with_capacity(files.len());
        for f in files {
            let parts: Vec<String> = if f.stdin {
                vec![STDIN.to_owned()]
            } else {
                dir_parts(f.name)
            };
            let parts: Vec<u32> = parts
                .into_iter()
                .map(|p| {
                    let next = u32::try_from(names.len()).unwrap_or(HERE - 1);
                    *names.entry(p).or_insert(next)
                })
                .collect();
            let id = *dir_ids.entry(parts.clone()).or_insert_with(|| {
                let prefix_ids = (0..=parts.len())
                    .map(|k| {
                        let next = u32::try_from(prefixes.len()).unwrap_or(u32::MAX);
                        *prefixes
                            .entry(parts.get(..k).unwrap_or(&[]).to_vec())
                            .or_insert(next)
                    })
                    .collect();
                dirs.push(Dir {
                    parts: parts.clone(),
                    prefixes: prefix_ids,
                });
                dirs.len() - 1
            });
            file_dir.push(id);
        }
        let mut this = Self {
            file_dir,
            dirs,
            pairs: HashSet::new(),
            declared: files
                .iter()
                .map(|f| {
                    declared
                        .iter()
                        .enumerate()
                        .filter_map(|(e, set)| {
                            let member = set
                                .members
                                .iter()
                                .position(|(_, g)| glob_names(g, f.name))?;
                            Some((e, member))
                        })
                        .collect()
                })
                .collect(),
            stdin: files.iter().map(|f| f.stdin).collect(),
            active: false,
        };
        // Which directories define each identity.
        let mut defined: HashMap<Identity<'_>, Vec<usize>> = HashMap::new();
        for o in objects {
            if files.get(o.file.index()).is_none_or(|f| f.context) {
                continue;
            }
            let (Some(id), Some(&dir)) = (identity(o), this.file_dir.get(o.file.index())) else {
                continue;
            };
            let dirs = defined.entry(id).or_default();
            if !dirs.contains(&dir) {
                dirs.push(dir);
            }
        }
        // Many identities share one set of directories (every object of a copied folder).
        let sets: HashSet<Vec<usize>> = defined.into_values().filter(|d| d.len() > 1).collect();
        for dirs in &sets {
            for (i, &a) in dirs.iter().enumerate() {
                for &b in dirs.iter().skip(i + 1) {
                    if let Some(pair) = this.parting(a, b) {
                        this.pairs.insert(pair);
                    }
                }
            }
        }
        this.active = !this.pairs.is_empty() || this.declared.iter().any(|d| !d.is_empty());
        this
    }

    /// Where directories `a` and `b` part: `(point, side, side)` with the sides ordered.
    fn parting(&self, a: usize, b: usize) -> Option<(u32, u32, u32)> {
        let (da, db) = (self.dirs.get(a)?, self.dirs.get(b)?);
        let common = da
            .parts
            .iter()
            .zip(&db.parts)
            .take_while(|(x, y)| x == y)
            .count();
        let point = *da.prefixes.get(common)?;
        let sa = da.parts.get(common).copied().unwrap_or(HERE);
        let sb = db.parts.get(common).copied().unwrap_or(HERE);
        Some((point, sa.min(sb), sa.max(sb)))
    }

    /// Whether some declared `variants:` entry puts the two files in different variants.
    pub fn declared_apart(&self, a: FileId, b: FileId) -> bool {
        let (Some(da), Some(db)) = (self.declared.get(a.index()), self.declared.get(b.index()))
        else {
            return false;
        };
        da.iter()
            .any(|(e, m)| db.iter().any(|(e2, m2)| e == e2 && m != m2))
    }

    /// Whether the file was read from standard input.
    pub fn is_stdin(&self, file: FileId) -> bool {
        self.stdin.get(file.index()).copied().unwrap_or(false)
    }

    /// Whether the two files are in one directory (both on standard input counts).
    pub fn same_directory(&self, a: FileId, b: FileId) -> bool {
        self.file_dir.get(a.index()) == self.file_dir.get(b.index())
    }

    /// Whether objects of the two files may be paired by a cross-object rule: false when the
    /// files are variants of each other.
    pub fn compatible(&self, a: FileId, b: FileId) -> bool {
        if a == b || !self.active {
            return true;
        }
        if self.declared_apart(a, b) {
            return false;
        }
        let (Some(&da), Some(&db)) = (self.file_dir.get(a.index()), self.file_dir.get(b.index()))
        else {
            return true;
        };
        if da == db {
            return true;
        }
        self.parting(da, db)
            .is_none_or(|pair| !self.pairs.contains(&pair))
    }

    /// Splits `items` (with their files) into sets of mutually compatible ones, each as large
    /// as a greedy pass in load order makes it: the worlds a count or an overlap is judged in.
    /// Without variants this is the one set of all items.
    pub fn worlds<T: Copy>(&self, items: &[T], file_of: impl Fn(T) -> FileId) -> Vec<Vec<T>> {
        if !self.active || items.len() < 2 {
            return vec![items.to_vec()];
        }
        let fits = |world: &[T], x: T| {
            world
                .iter()
                .all(|&y| self.compatible(file_of(x), file_of(y)))
        };
        let mut worlds: Vec<Vec<T>> = Vec::new();
        for (i, &x) in items.iter().enumerate() {
            let mut placed = false;
            for world in &mut worlds {
                if fits(world, x) {
                    world.push(x);
                    placed = true;
                }
            }
            if !placed {
                let mut world = Vec::new();
                for &y in items.iter().take(i) {
                    if fits(&world, y) && self.compatible(file_of(x), file_of(y)) {
                        world.push(y);
                    }
                }
                world.push(x);
                worlds.push(world);
            }
        }
        worlds
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;

    fn units(names: &[&'static str]) -> Vec<FileUnit<'static>> {
        names
            .iter()
            .map(|&name| FileUnit {
                name,
                stdin: name == "-",
                context: false,
            })
            .collect()
    }

    /// Objects from `(file, "Kind name [namespace]")`.
    fn objects(defs: &[(usize, &str)]) -> Vec<Object> {
        defs.iter()
            .enumerate()
            .map(|(i, &(file, def))| {
                let mut words = def.split(' ');
                let kind = words.next().unwrap_or("").to_owned();
                let name = words.next().unwrap_or("").to_owned();
                let namespace = words.next().unwrap_or("default").to_owned();
                let api_version = match kind.as_str() {
                    "Deployment" => "apps/v1",
                    "PodDisruptionBudget" => "policy/v1",
                    "ClusterRole" => "rbac.authorization.k8s.io/v1",
                    _ => "v1",
                };
                Object {
                    id: crate::model::ObjectId::new(0),
                    file: FileId::new(file),
                    document: i,
                    api_version: api_version.to_owned(),
                    kind,
                    name,
                    explicit_namespace: None,
                    namespace,
                    raw: serde_json::Value::Null,
                    spans: crate::source::SpanNode::default(),
                    typed: crate::model::Typed::Generic,
                    unknown_fields: Vec::new(),
                    ambiguous: Vec::new(),
                }
            })
            .collect()
    }

    fn model(names: &[&'static str], defs: &[(usize, &str)]) -> Variants {
        Variants::new(&units(names), &[], &objects(defs))
    }

    #[test]
    fn sibling_environments_are_variants_and_pair_only_inside() {
        let v = model(
            &[
                "envs/dev/deploy.yaml",
                "envs/dev/pdb.yaml",
                "envs/prod/deploy.yaml",
                "envs/prod/pdb.yaml",
            ],
            &[
                (0, "Deployment web"),
                (1, "PodDisruptionBudget web"),
                (2, "Deployment web"),
                (3, "PodDisruptionBudget web"),
            ],
        );
        assert!(v.compatible(FileId::new(0), FileId::new(1)), "dev with dev");
        assert!(
            v.compatible(FileId::new(2), FileId::new(3)),
            "prod with prod"
        );
        assert!(
            !v.compatible(FileId::new(0), FileId::new(3)),
            "dev Deployment, prod PDB"
        );
        assert!(!v.compatible(FileId::new(1), FileId::new(2)));
        assert!(
            v.same_directory(FileId::new(0), FileId::new(1))
                && !v.same_directory(FileId::new(0), FileId::new(2))
        );
    }

    #[test]
    fn kustomize_base_pairs_with_every_overlay() {
        let v = model(
            &[
                "app/base/deploy.yaml",
                "app/overlays/dev/pdb.yaml",
                "app/overlays/prod/pdb.yaml",
            ],
            &[
                (0, "Deployment web"),
                (1, "PodDisruptionBudget web"),
                (2, "PodDisruptionBudget web"),
            ],
        );
        assert!(
            v.compatible(FileId::new(0), FileId::new(1))
                && v.compatible(FileId::new(0), FileId::new(2)),
            "base is common"
        );
        assert!(
            !v.compatible(FileId::new(1), FileId::new(2)),
            "the overlays are variants"
        );
        let worlds = v.worlds(&[0, 1, 2], FileId::new);
        assert_eq!(worlds, vec![vec![0, 1], vec![0, 2]]);
    }

    #[test]
    fn a_variant_lifts_to_the_whole_branch_where_paths_part() {
        let v = model(
            &[
                "clusters/eu/app/deploy.yaml",
                "clusters/eu/db/pdb.yaml",
                "clusters/us/app/deploy.yaml",
                "clusters/us/db/pdb.yaml",
                "clusters/common/ns.yaml",
            ],
            &[
                (0, "Deployment web"),
                (1, "PodDisruptionBudget db"),
                (2, "Deployment web"),
                (3, "PodDisruptionBudget db2"),
                (4, "Namespace shop"),
            ],
        );
        assert!(
            !v.compatible(FileId::new(1), FileId::new(2)),
            "eu/db and us/app part at clusters/, eu vs us"
        );
        assert!(v.compatible(FileId::new(0), FileId::new(1)));
        assert!(
            v.compatible(FileId::new(4), FileId::new(0))
                && v.compatible(FileId::new(4), FileId::new(3)),
            "common/ pairs with both"
        );
    }

    #[test]
    fn an_ancestor_directory_and_its_subdirectory_are_variants() {
        let v = model(
            &[
                "install/install.yaml",
                "install/ha/install.yaml",
                "install/extra/pdb.yaml",
            ],
            &[
                (0, "Deployment server argocd"),
                (1, "Deployment server argocd"),
                (2, "PodDisruptionBudget server argocd"),
            ],
        );
        assert!(!v.compatible(FileId::new(0), FileId::new(1)));
        assert!(
            v.compatible(FileId::new(2), FileId::new(0))
                && v.compatible(FileId::new(2), FileId::new(1)),
            "a third subdirectory is common"
        );
    }

    #[test]
    fn a_plain_repository_pairs_everything() {
        let v = model(
            &["k8s/deploy.yaml", "k8s/pdb.yaml", "k8s/svc.yaml"],
            &[
                (0, "Deployment web"),
                (1, "PodDisruptionBudget web"),
                (2, "Service web"),
            ],
        );
        assert!(!v.active);
        assert!(
            v.compatible(FileId::new(0), FileId::new(1))
                && v.compatible(FileId::new(1), FileId::new(2))
        );
        assert_eq!(v.worlds(&[0, 1, 2], FileId::new), vec![vec![0, 1, 2]]);
    }

    #[test]
    fn different_namespaces_or_kinds_do_not_make_variants() {
        let v = model(
            &["a/x.yaml", "b/x.yaml"],
            &[(0, "Deployment web shop"), (1, "Deployment web prod")],
        );
        assert!(v.compatible(FileId::new(0), FileId::new(1)));
        let v = model(
            &["a/x.yaml", "b/x.yaml"],
            &[(0, "Deployment web"), (1, "Service web")],
        );
        assert!(v.compatible(FileId::new(0), FileId::new(1)));
        // A cluster-scoped kind collides whatever namespace it was written with.
        let v = model(
            &["a/x.yaml", "b/x.yaml"],
            &[(0, "ClusterRole admin shop"), (1, "ClusterRole admin")],
        );
        assert!(!v.compatible(FileId::new(0), FileId::new(1)));
    }

    #[test]
    fn stdin_is_one_unit_of_its_own() {
        let v = model(
            &["-", "-", "dir/x.yaml"],
            &[(0, "Deployment web"), (2, "Deployment web")],
        );
        assert!(v.same_directory(FileId::new(0), FileId::new(1)));
        assert!(!v.compatible(FileId::new(0), FileId::new(2)));
        assert!(v.compatible(FileId::new(0), FileId::new(1)));
    }

    #[test]
    fn context_files_never_make_variants() {
        let mut files = units(&["app/deploy.yaml", "cluster/ns.yaml", "app/ns.yaml"]);
        if let Some(f) = files.get_mut(1) {
            f.context = true;
        }
        let objs = objects(&[
            (0, "Deployment web"),
            (1, "Namespace shop"),
            (2, "Namespace shop"),
        ]);
        let v = Variants::new(&files, &[], &objs);
        assert!(v.compatible(FileId::new(0), FileId::new(1)));
    }

    #[test]
    fn declared_variant_files_in_one_directory() {
        let config = Config::parse(
            ".kubeha.yaml",
            "variants:\n  - [argo-cd/install.yaml, argo-cd/ha-install.yaml, \"argo-cd/ha-namespace-*.yaml\"]\n",
        )
        .expect("valid config");
        let files = units(&[
            "corpus/argo-cd/install.yaml",
            "corpus/argo-cd/ha-install.yaml",
            "corpus/argo-cd/ha-namespace-install.yaml",
            "corpus/argo-cd/pdb.yaml",
        ]);
        let v = Variants::new(&files, &config.variants, &[]);
        assert!(
            v.declared_apart(FileId::new(0), FileId::new(1))
                && v.declared_apart(FileId::new(1), FileId::new(2))
                && v.declared_apart(FileId::new(0), FileId::new(2))
        );
        assert!(!v.compatible(FileId::new(0), FileId::new(1)));
        assert!(
            v.compatible(FileId::new(3), FileId::new(0))
                && v.compatible(FileId::new(3), FileId::new(2)),
            "undeclared files pair with all"
        );
        assert!(v.same_directory(FileId::new(0), FileId::new(1)));
    }

    #[test]
    fn globs_name_a_file_by_any_tail_of_its_path() {
        let g = |s: &str| globset::Glob::new(s).expect("glob").compile_matcher();
        assert!(glob_names(&g("install.yaml"), "./install.yaml"));
        assert!(glob_names(
            &g("manifests/install.yaml"),
            "repo/manifests/install.yaml"
        ));
        assert!(!glob_names(
            &g("manifests/install.yaml"),
            "repo/xmanifests/install.yaml"
        ));
        assert!(!glob_names(&g("install.yaml"), "ha-install.yaml"));
    }
}
