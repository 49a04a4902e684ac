//! The travel network: places and legs as a petgraph digraph, and the
//! fewest-minutes paths (ties: fewest km, then fewest tolls) between the
//! places a job uses.

use crate::contract::Catalog;
use petgraph::algo::dijkstra;
use petgraph::graph::{DiGraph, NodeIndex};
use rayon::prelude::*;
use std::cmp::Ordering;
use std::collections::HashMap;
use std::ops::Add;

/// The length of a path: minutes first, then km, then tolls.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Hop {
    /// Driving minutes.
    pub minutes: i32,
    /// Kilometres.
    pub km: f64,
    /// Tolls (per vehicle).
    pub toll: f64,
}

impl Add for Hop {
    type Output = Hop;
    fn add(self, o: Hop) -> Hop {
        Hop { minutes: self.minutes + o.minutes, km: self.km + o.km, toll: self.toll + o.toll }
    }
}

impl PartialOrd for Hop {
    fn partial_cmp(&self, o: &Hop) -> Option<Ordering> {
        Some(self.minutes.cmp(&o.minutes).then(self.km.total_cmp(&o.km)).then(self.toll.total_cmp(&o.toll)))
    }
}

/// The road network of a catalog.
pub struct TravelNetwork {
    graph: DiGraph<usize, Hop>,
    nodes: Vec<NodeIndex>,
}

impl TravelNetwork {
    /// Builds the network; `places[i]` is node i. Legs naming unknown places are skipped
    /// (validation rejects them before this point).
    pub fn build(catalog: &Catalog, places: &[String]) -> TravelNetwork {
        let index: HashMap<&str, usize> = places.iter().enumerate().map(|(i, p)| (p.as_str(), i)).collect();
        let mut graph = DiGraph::with_capacity(places.len(), catalog.legs.len() * 2);
        let nodes: Vec<NodeIndex> = (0..places.len()).map(|i| graph.add_node(i)).collect();
        for leg in &catalog.legs {
            let (Some(&a), Some(&b)) = (index.get(leg.from.as_str()), index.get(leg.to.as_str())) else {
                continue;
            };
            let hop = Hop { minutes: leg.minutes as i32, km: leg.km, toll: leg.toll };
            graph.add_edge(nodes[a], nodes[b], hop);
            if leg.both_ways {
                graph.add_edge(nodes[b], nodes[a], hop);
            }
        }
        TravelNetwork { graph, nodes }
    }

    /// Fewest-minutes paths between every pair of `used` places (in parallel).
    pub fn matrix(&self, used: &[usize]) -> TravelMatrix {
        let rows: Vec<Vec<Option<Hop>>> = used
            .par_iter()
            .map(|&from| {
                let scores = dijkstra(&self.graph, self.nodes[from], None, |e| *e.weight());
                used.iter()
                    .map(|&to| if to == from { Some(Hop::default()) } else { scores.get(&self.nodes[to]).copied() })
                    .collect()
            })
            .collect();
        let mut slot = vec![usize::MAX; self.nodes.len()];
        for (k, &p) in used.iter().enumerate() {
            slot[p] = k;
        }
        TravelMatrix { slot, n: used.len(), hops: rows.into_iter().flatten().collect() }
    }
}

/// Shortest hops between the places a job uses, indexed by place index.
#[derive(Clone, Debug)]
pub struct TravelMatrix {
    slot: Vec<usize>,
    n: usize,
    hops: Vec<Option<Hop>>,
}

impl TravelMatrix {
    /// The hop from one place to another; `None` when unreachable or not a used place.
    #[inline]
    pub fn hop(&self, from: usize, to: usize) -> Option<Hop> {
        let (a, b) = (*self.slot.get(from)?, *self.slot.get(to)?);
        if a == usize::MAX || b == usize::MAX {
            return None;
        }
        self.hops[a * self.n + b]
    }
}
