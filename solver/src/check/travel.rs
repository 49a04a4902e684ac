//! The checker's own shortest paths (a plain Dijkstra, independent of the
//! optimiser's petgraph network): fewest minutes, then km, then tolls.

use crate::contract::Catalog;
use std::cmp::Ordering;
use std::collections::{BinaryHeap, HashMap};

/// Minutes, km and tolls of a fewest-minutes path.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Path {
    /// Minutes.
    pub minutes: i64,
    /// Kilometres.
    pub km: f64,
    /// Tolls.
    pub toll: f64,
}

#[derive(PartialEq)]
struct Entry(Path, usize);
impl Eq for Entry {}
impl Ord for Entry {
    fn cmp(&self, o: &Self) -> Ordering {
        // reversed for a min-heap
        key(&o.0).partial_cmp(&key(&self.0)).unwrap_or(Ordering::Equal).then(o.1.cmp(&self.1))
    }
}
impl PartialOrd for Entry {
    fn partial_cmp(&self, o: &Self) -> Option<Ordering> {
        Some(self.cmp(o))
    }
}
fn key(p: &Path) -> (i64, f64, f64) {
    (p.minutes, p.km, p.toll)
}
fn less(a: &Path, b: &Path) -> bool {
    key(a).partial_cmp(&key(b)) == Some(Ordering::Less)
}

/// Shortest paths on demand, cached per origin.
pub struct Roads {
    index: HashMap<String, usize>,
    adj: Vec<Vec<(usize, Path)>>,
    cache: HashMap<usize, Vec<Option<Path>>>,
}

impl Roads {
    /// The road network of a catalog.
    pub fn new(c: &Catalog) -> Roads {
        let index: HashMap<String, usize> = c.places.iter().enumerate().map(|(i, p)| (p.id.clone(), i)).collect();
        let mut adj = vec![Vec::new(); c.places.len()];
        for l in &c.legs {
            if let (Some(&a), Some(&b)) = (index.get(&l.from), index.get(&l.to)) {
                let p = Path { minutes: l.minutes as i64, km: l.km, toll: l.toll };
                adj[a].push((b, p));
                if l.both_ways {
                    adj[b].push((a, p));
                }
            }
        }
        Roads { index, adj, cache: HashMap::new() }
    }

    /// The fewest-minutes path between two place ids (`None` if unreachable or unknown).
    pub fn path(&mut self, from: &str, to: &str) -> Option<Path> {
        let (&a, &b) = (self.index.get(from)?, self.index.get(to)?);
        if a == b {
            return Some(Path { minutes: 0, km: 0.0, toll: 0.0 });
        }
        if !self.cache.contains_key(&a) {
            let d = self.dijkstra(a);
            self.cache.insert(a, d);
        }
        self.cache[&a][b]
    }

    fn dijkstra(&self, s: usize) -> Vec<Option<Path>> {
        let mut best: Vec<Option<Path>> = vec![None; self.adj.len()];
        let mut heap = BinaryHeap::new();
        best[s] = Some(Path { minutes: 0, km: 0.0, toll: 0.0 });
        heap.push(Entry(best[s].expect("set"), s));
        while let Some(Entry(p, u)) = heap.pop() {
            if best[u].is_some_and(|b| less(&b, &p)) {
                continue;
            }
            for &(v, w) in &self.adj[u] {
                let q = Path { minutes: p.minutes + w.minutes, km: p.km + w.km, toll: p.toll + w.toll };
                if best[v].is_none_or(|b| less(&q, &b)) {
                    best[v] = Some(q);
                    heap.push(Entry(q, v));
                }
            }
        }
        best
    }
}
