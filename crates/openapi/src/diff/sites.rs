//! The comparison graph. A site is one place where two schemas are compared: a root (a body,
//! parameter or header of one operation) or a shared pair (two `$ref` targets, usually the old
//! and new version of a component, in one scope and environment). Comparing a site records an
//! edge to every shared pair it reaches; each shared pair is compared once, and a change found
//! in it is reported once, with the operations that reach it (found by walking the edges
//! backwards), instead of once per path — on specs such as Stripe's, where components refer to
//! each other at every turn, the number of paths grows exponentially with depth.

use std::collections::{HashMap, HashSet, VecDeque};
use std::rc::Rc;
use std::sync::Arc;

use schemagate_core::ApiUse;

use super::{Differ, Env, Scope};
use crate::model::{Operation, SchemaId};

/// A shared pair: the two schemas, the scope they are compared in, and the environment.
pub(super) type UnitKey = (SchemaId, SchemaId, Scope, Env);

enum Kind<'a> {
    Root { op: &'a Operation },
    Unit { key: UnitKey },
}

struct Site<'a> {
    kind: Kind<'a>,
    label: Rc<str>,
    /// The sites that reach this one, with the property path (in theirs) where they do.
    parents: Vec<(usize, String)>,
}

#[derive(Default)]
pub(super) struct Sites<'a> {
    sites: Vec<Site<'a>>,
    units: HashMap<UnitKey, usize>,
    queue: VecDeque<usize>,
    edges: HashSet<(usize, usize, String)>,
}

impl<'a> Sites<'a> {
    /// A new root site for a comparison in `op`.
    pub(super) fn root(&mut self, op: &'a Operation, label: Rc<str>) -> usize {
        self.sites.push(Site { kind: Kind::Root { op }, label, parents: Vec::new() });
        self.sites.len() - 1
    }

    /// Records that `from` reaches the shared pair `key` at `path`; the pair is queued for
    /// comparison the first time it is reached.
    pub(super) fn reach(&mut self, from: usize, path: String, key: UnitKey, label: String) {
        let to = match self.units.get(&key) {
            Some(&to) => to,
            None => {
                let to = self.sites.len();
                self.sites.push(Site { kind: Kind::Unit { key }, label: label.into(), parents: Vec::new() });
                self.units.insert(key, to);
                self.queue.push_back(to);
                to
            }
        };
        if self.edges.insert((from, to, path.clone())) {
            self.sites[to].parents.push((from, path));
        }
    }

    /// The next shared pair to compare: its site, the two schemas and the scope.
    pub(super) fn next_unit(&mut self) -> Option<(usize, SchemaId, SchemaId, Scope)> {
        let site = self.queue.pop_front()?;
        match self.sites[site].kind {
            Kind::Unit { key: (a, b, scope, _) } => Some((site, a, b, scope)),
            Kind::Root { .. } => None,
        }
    }

    /// The environment and message label of a shared pair's site.
    pub(super) fn unit_env(&self, site: usize) -> (Env, Rc<str>) {
        let env = match self.sites[site].kind {
            Kind::Unit { key: (_, _, _, env) } => env,
            Kind::Root { .. } => Env::default(),
        };
        (env, self.sites[site].label.clone())
    }

    pub(super) fn unit_count(&self) -> usize {
        self.units.len()
    }

    /// The operations that reach `site`, each once (by its shortest path), sorted by path and
    /// method; `via` names where in the operation: `200 application/json: data[]/customer`.
    pub(super) fn uses(&self, site: usize) -> Vec<ApiUse> {
        // Breadth-first backwards from the site: `next[s]` is the step from s toward it.
        let mut next: HashMap<usize, (usize, &str)> = HashMap::new();
        let mut queue = VecDeque::from([site]);
        let mut roots = Vec::new();
        let mut seen = HashSet::from([site]);
        while let Some(s) = queue.pop_front() {
            if let Kind::Root { .. } = self.sites[s].kind {
                roots.push(s);
            }
            for (parent, path) in &self.sites[s].parents {
                if seen.insert(*parent) {
                    next.insert(*parent, (s, path));
                    queue.push_back(*parent);
                }
            }
        }
        let mut uses: Vec<ApiUse> = Vec::new();
        let mut by_operation = HashSet::new();
        for root in roots {
            let Kind::Root { op } = self.sites[root].kind else { continue };
            if !by_operation.insert((op.method.as_str(), op.path.as_str())) {
                continue;
            }
            let mut steps: Vec<&str> = Vec::new();
            let mut at = root;
            while let Some(&(to, path)) = next.get(&at) {
                if !path.is_empty() {
                    steps.push(path);
                }
                at = to;
            }
            let label = &self.sites[root].label;
            let via = if steps.is_empty() { label.to_string() } else { format!("{label}: {}", steps.join("/")) };
            uses.push(ApiUse { method: op.method.clone(), api_path: op.path.clone(), via });
        }
        uses.sort_by(|a, b| (&a.api_path, &a.method).cmp(&(&b.api_path, &b.method)));
        uses
    }
}

impl Differ<'_> {
    /// Gives every finding made inside a shared pair the operations that reach it (the first as
    /// its method and path), and merges findings that differ only in those operations (the same
    /// component compared in two environments that did not matter to the change).
    pub(super) fn resolve_uses(&mut self) {
        let mut cache: HashMap<usize, Arc<[ApiUse]>> = HashMap::new();
        for (f, site) in self.findings.iter_mut().zip(&self.finding_site) {
            let Some(site) = *site else { continue };
            let uses = cache.entry(site).or_insert_with(|| {
                let mut uses = self.sites.uses(site);
                if !self.base_paths.is_empty() {
                    for u in &mut uses {
                        if let Some(base) = self.base_paths.get(u.api_path.as_str()) {
                            u.api_path = base.to_string();
                        }
                    }
                    uses.sort_by(|a, b| (&a.api_path, &a.method).cmp(&(&b.api_path, &b.method)));
                }
                uses.into()
            });
            if let Some(first) = uses.first() {
                f.method = Some(first.method.clone());
                f.api_path = Some(first.api_path.clone());
            }
            f.uses = uses.clone();
        }
        let mut merged: HashMap<(String, String, String, schemagate_core::Location), usize> = HashMap::new();
        let mut findings = Vec::with_capacity(self.findings.len());
        let mut sites = Vec::with_capacity(self.findings.len());
        for (f, site) in std::mem::take(&mut self.findings).into_iter().zip(std::mem::take(&mut self.finding_site)) {
            if site.is_none() {
                findings.push(f);
                sites.push(site);
                continue;
            }
            let key = (f.rule.clone(), f.message.clone(), f.path.clone(), f.location);
            match merged.get(&key) {
                None => {
                    merged.insert(key, findings.len());
                    findings.push(f);
                    sites.push(site);
                }
                Some(&first) => {
                    let mut target: Vec<ApiUse> = findings[first].uses.to_vec();
                    for u in f.uses.iter() {
                        if !target.iter().any(|t| t.method == u.method && t.api_path == u.api_path) {
                            target.push(u.clone());
                        }
                    }
                    target.sort_by(|a, b| (&a.api_path, &a.method).cmp(&(&b.api_path, &b.method)));
                    findings[first].uses = target.into();
                }
            }
        }
        self.findings = findings;
        self.finding_site = sites;
        // The first use may have changed with the merge.
        for f in &mut self.findings {
            if let Some(first) = f.uses.first() {
                f.method = Some(first.method.clone());
                f.api_path = Some(first.api_path.clone());
            }
        }
    }
}
