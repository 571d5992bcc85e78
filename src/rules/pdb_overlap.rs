//! `pdb-overlap`: pods covered by more than one PodDisruptionBudget.

use super::{Context, Group, Rule, RuleMeta, Sink};
use crate::finding::Severity;
use crate::model::{Object, Pdb};
use crate::path;

pub(super) struct PdbOverlap;

static META: RuleMeta = RuleMeta {
    name: "pdb-overlap",
    group: Group::Disruption,
    severity: Severity::Error,
    enabled: true,
    summary: "a workload's pods are matched by more than one PodDisruptionBudget",
    options: super::OptionsType::NONE,
    doc: include_str!("../../rules/pdb-overlap.md"),
};

impl Rule for PdbOverlap {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Sink<'_>) {
        for w in &cx.index.workloads {
            report(cx, out, w.object, &cx.index.pdbs_matching(w));
        }
        // Pods an operator creates from a custom resource are evicted the same way.
        for p in &cx.index.operated {
            let matching = cx.index.pdbs_matching_operated(p);
            report(cx, out, p.object, &matching);
        }
    }
}

/// Reports `pods_of` when two budgets of one world select its pods.
fn report(cx: &Context<'_>, out: &mut Sink<'_>, pods_of: &Object, matching: &[Pdb<'_>]) {
    // Two variants' copies of one PDB never exist together: judge each world alone.
    let Some(pdbs) = cx
        .index
        .worlds(matching, |p| p.object)
        .into_iter()
        .find(|world| world.len() >= 2)
    else {
        return;
    };
    let names: Vec<String> = pdbs
        .iter()
        .map(|p| format!("`{}`", p.object.name))
        .collect();
    let mut reported = out.report(
        pods_of,
        path!["metadata", "name"],
        format!(
            "pods of {} are matched by {} PodDisruptionBudgets ({}): the eviction API refuses to evict them",
            pods_of.describe(),
            pdbs.len(),
            names.join(", ")
        ),
    );
    reported.help("Keep exactly one PodDisruptionBudget per set of pods: narrow the selectors so they do not overlap");
    for pdb in pdbs {
        let pdb = pdb.object;
        reported.related(
            pdb,
            &path!["spec", "selector"],
            format!("{} selects these pods", pdb.describe()),
        );
    }
}
