//! The quote sheet (报价单): itemised lines, costs per category, and the
//! customer price. Amounts are rounded to 2 decimals per line; totals are the
//! sums of rounded lines (`job-format.md`, Conventions).

use crate::contract::{Costs, Date, Line, Quote};

/// Rounds money to 2 decimals.
pub fn round2(x: f64) -> f64 {
    let r = (x * 100.0).round() / 100.0;
    if r == 0.0 {
        0.0
    } else {
        r
    }
}

/// A quote line from its parts (`amount = round2(qty * unit_price)`).
pub fn line(
    category: &str,
    supplier: &str,
    date: Option<chrono::NaiveDate>,
    item: String,
    qty: f64,
    unit_price: f64,
) -> Line {
    Line {
        category: category.to_string(),
        supplier: supplier.to_string(),
        date: date.map(Date),
        item,
        qty,
        unit_price,
        amount: round2(qty * unit_price),
    }
}

/// Costs per category from the lines.
pub fn costs(lines: &[Line], pax: u32) -> Costs {
    let sum = |cat: &str| round2(lines.iter().filter(|l| l.category == cat).map(|l| l.amount).sum());
    let total = round2(lines.iter().map(|l| l.amount).sum());
    Costs {
        hotels: sum("hotel"),
        vehicles: sum("vehicle"),
        tickets: sum("ticket"),
        meals: sum("meal"),
        guide: sum("guide"),
        fees: sum("fee"),
        total,
        per_pax: round2(total / pax.max(1) as f64),
    }
}

/// The customer price: `ceil(per_pax * (1 + markup/100) / round_to) * round_to`.
pub fn quote(costs: &Costs, pax: u32, markup_pct: f64, round_to: f64) -> Quote {
    let raw = costs.per_pax * (1.0 + markup_pct / 100.0) / round_to;
    let per_pax = round2((raw - 1e-9).ceil() * round_to);
    Quote { per_pax, total: round2(per_pax * pax as f64), markup_pct }
}
