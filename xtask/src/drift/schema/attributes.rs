//! Comparing the attributes of two views of one schema: type and format, nullability, values,
//! bounds, pattern, default, `additionalProperties`, discriminator, 2020-12 keywords, `allOf` and
//! `x-extensible-enum`. Nothing here recurses: [`super::compare`] walks properties, items and
//! alternatives.

use std::collections::BTreeSet;

use serde_json::Value;

use super::keywords::{KEYWORDS, Keyword};
use super::site::{Direction, Site, names_a_property};
use super::view::{Bound, View, covers, types};
use crate::drift::report::Change;

/// Compare the attributes of `ov` (old) and `nv` (new), the schema at `path`, into `changes`.
pub(super) fn compare(changes: &mut Vec<Change>, site: &Site<'_>, ov: &View<'_>, nv: &View<'_>, path: &str) {
    Attributes {
        changes,
        site,
        ov,
        nv,
        path,
    }
    .all();
}

/// One comparison: the two views, where they sit, and where the changes go.
struct Attributes<'c, 'v> {
    changes: &'c mut Vec<Change>,
    site: &'c Site<'c>,
    ov: &'c View<'v>,
    nv: &'c View<'v>,
    path: &'c str,
}

impl<'v> Attributes<'_, 'v> {
    /// Every attribute, in the order changes are reported.
    fn all(&mut self) {
        self.type_and_format();
        self.nullability();
        self.values();
        self.bounds_and_counts();
        self.pattern_and_default();
        self.closed_and_discriminator();
        self.discriminator_mapping();
        self.keywords();
        self.all_of_and_extensible();
    }

    fn emit(&mut self, attr: &str, message: String) {
        self.site.emit_attr(self.changes, attr, self.path, message);
    }

    /// Type and format: a type list changed, a single type widened, narrowed or changed, or the format.
    fn type_and_format(&mut self) {
        let (ov, nv, site, path) = (self.ov, self.nv, self.site, self.path);
        let request = self.site.direction == Direction::Request;
        // A request schema that said nothing (`{}`) now says `type: object`: a loosely typed
        // body became typed. What it now asks of an object (required properties, closed) is
        // compared on its own; the type alone breaks no client that sent an object.
        if request && ov.types.is_none() && loosely_typed(ov) && nv.types == Some(BTreeSet::from(["object"])) {
            return;
        }
        if ov.types != nv.types && (ov.type_list || nv.type_list) {
            // `type: [a, b]` lists: oasdiff's list-of-types ids, one per direction that changed.
            let msg = format!("types changed from {} to {}", types(&ov.types), types(&nv.types));
            // Types compare by name here (oasdiff's reading): `integer` leaving a list that
            // gains `number` is still a type gone.
            let lacks = |a: &Option<BTreeSet<&str>>, b: &Option<BTreeSet<&str>>| match (a, b) {
                (_, None) => false,
                (None, Some(_)) => true,
                (Some(a), Some(b)) => b.iter().any(|t| !a.contains(t)),
            };
            if lacks(&nv.types, &ov.types) {
                self.emit("list-of-types-narrowed", msg.clone());
            }
            if lacks(&ov.types, &nv.types) {
                self.emit("list-of-types-widened", msg);
            }
        } else if ov.types != nv.types {
            let msg = format!("type changed from {} to {}", types(&ov.types), types(&nv.types));
            // Narrowing is "specialized" in responses (safe) and, as oasdiff names it, in the
            // properties of a parameter's schema.
            let specialized_id = !request || (site.prefix == "request-parameter" && names_a_property(path));
            let attr = if covers(&nv.types, &ov.types) {
                "type-generalized"
            } else if specialized_id && covers(&ov.types, &nv.types) {
                "type-specialized"
            } else {
                "type-changed"
            };
            self.emit(attr, msg);
        } else if ov.format != nv.format {
            let msg = format!(
                "format changed from {} to {}",
                ov.format.unwrap_or("none"),
                nv.format.unwrap_or("none")
            );
            let attr = match (request, nv.format.is_none(), ov.format.is_none()) {
                (true, true, _) | (false, true, _) => "type-generalized",
                (false, false, true) => "type-specialized",
                _ => "type-changed",
            };
            self.emit(attr, msg);
        }
    }

    /// Nullability, `type: [X, 'null']` and 3.0's `nullable` alike.
    fn nullability(&mut self) {
        let (ov, nv) = (self.ov, self.nv);
        match (ov.nullable, nv.nullable) {
            (false, true) => self.emit("became-nullable", "became nullable".into()),
            (true, false) => self.emit("became-not-nullable", "is no longer nullable".into()),
            _ => {}
        }
    }

    /// Numeric bounds, lengths and item counts.
    fn bounds_and_counts(&mut self) {
        // Bounds: a limit that appears where there was none has its own `-set` id in requests
        // (oasdiff's; WARN: old clients may send values beyond it), one that disappears its own
        // `-unset` id in responses.
        // Inclusive and exclusive bounds are compared apart, as oasdiff does; 3.0's
        // `exclusiveMaximum: true` beside `maximum` is read as 3.1's numeric exclusive bound.
        let bounds: [Limited<'v, Bound>; 4] = [
            (Limit::new("maximum", "max", true, true, false), |v| v.maximum),
            (Limit::new("minimum", "min", false, true, false), |v| v.minimum),
            (
                Limit::new("exclusiveMaximum", "exclusive-max", true, true, false),
                |v| v.exclusive_maximum,
            ),
            (
                Limit::new("exclusiveMinimum", "exclusive-min", false, true, false),
                |v| v.exclusive_minimum,
            ),
        ];
        self.limits(bounds, compare_bound, bound);
        let counts: [Limited<'v, u64>; 4] = [
            (Limit::new("maxLength", "max-length", true, true, true), |v| {
                v.max_length
            }),
            (Limit::new("minLength", "min-length", false, false, false), |v| {
                v.min_length
            }),
            (Limit::new("maxItems", "max-items", true, false, false), |v| v.max_items),
            (Limit::new("minItems", "min-items", false, true, true), |v| v.min_items),
        ];
        self.limits(counts, compare_count, count);
    }

    /// `pattern` and `default`.
    fn pattern_and_default(&mut self) {
        let (ov, nv) = (self.ov, self.nv);
        if ov.pattern != nv.pattern {
            let attr = match (ov.pattern, nv.pattern) {
                (_, None) => "pattern-removed",
                (None, Some(_)) => "pattern-added",
                (Some(_), Some(_)) => "pattern-changed",
            };
            let msg = format!(
                "pattern changed from {} to {}",
                ov.pattern.map_or("none".to_owned(), |p| format!("`{p}`")),
                nv.pattern.map_or("none".to_owned(), |p| format!("`{p}`"))
            );
            self.emit(attr, msg);
        }
        match (ov.default, nv.default) {
            (None, Some(n)) => self.emit("default-value-added", format!("default {n} added")),
            (Some(o), None) => self.emit("default-value-removed", format!("default {o} removed")),
            (Some(o), Some(n)) if o != n => {
                self.emit("default-value-changed", format!("default changed from {o} to {n}"))
            }
            _ => {}
        }
    }

    /// `additionalProperties: false` and the discriminator's property.
    fn closed_and_discriminator(&mut self) {
        let (ov, nv) = (self.ov, self.nv);
        // `additionalProperties: false` against anything else (absent, true or a schema).
        match (ov.closed, nv.closed) {
            (false, true) => self.emit(
                "additional-properties-removed",
                "additionalProperties became false".into(),
            ),
            (true, false) => self.emit(
                "additional-properties-added",
                "additionalProperties is no longer false".into(),
            ),
            _ => {}
        }
        match (ov.discriminator, nv.discriminator) {
            (None, Some(n)) => self.emit("discriminator-added", format!("discriminator `{n}` added")),
            (Some(o), None) => self.emit("discriminator-removed", format!("discriminator `{o}` removed")),
            (Some(o), Some(n)) if o != n => self.emit(
                "discriminator-property-name-changed",
                format!("discriminator changed from `{o}` to `{n}`"),
            ),
            _ => {}
        }
    }

    /// The discriminator's mapping, entry by entry.
    fn discriminator_mapping(&mut self) {
        let (ov, nv) = (self.ov, self.nv);
        let empty = serde_json::Map::new();
        let (om, nm) = (
            ov.discriminator_mapping.unwrap_or(&empty),
            nv.discriminator_mapping.unwrap_or(&empty),
        );
        for (key, o) in om {
            match nm.get(key) {
                None => self.emit(
                    "discriminator-mapping-deleted",
                    format!("discriminator mapping {key} removed"),
                ),
                Some(n) if n != o => self.emit(
                    "discriminator-mapping-changed",
                    format!("discriminator mapping {key} changed from {o} to {n}"),
                ),
                Some(_) => {}
            }
        }
        for key in nm.keys().filter(|k| !om.contains_key(*k)) {
            self.emit(
                "discriminator-mapping-added",
                format!("discriminator mapping {key} added"),
            );
        }
    }

    /// How many `allOf` members (annotation-only ones apart), and `x-extensible-enum` values removed.
    fn all_of_and_extensible(&mut self) {
        let (ov, nv) = (self.ov, self.nv);
        if ov.all_of != nv.all_of {
            let attr = if nv.all_of > ov.all_of {
                "all-of-added"
            } else {
                "all-of-removed"
            };
            let msg = format!("allOf members changed from {} to {}", ov.all_of, nv.all_of);
            self.emit(attr, msg);
        } else if ov.all_of_annotations != nv.all_of_annotations {
            let attr = if nv.all_of_annotations > ov.all_of_annotations {
                "all-of-added-annotation-only"
            } else {
                "all-of-removed-annotation-only"
            };
            let msg = format!(
                "annotation-only allOf members changed from {} to {}",
                ov.all_of_annotations, nv.all_of_annotations
            );
            self.emit(attr, msg);
        }
        for v in ov.extensible.iter().filter(|v| !nv.extensible.contains(v)) {
            self.emit(
                "x-extensible-enum-value-removed",
                format!("x-extensible-enum value {v} removed"),
            );
        }
    }

    /// `enum` and `const` (null is nullability, compared before).
    fn values(&mut self) {
        let (ov, nv) = (self.ov, self.nv);
        match (&ov.enumv, &nv.enumv) {
            (Some(o), Some(n)) if ov.is_const && nv.is_const => {
                if o != n {
                    let msg = format!("const changed from {} to {}", list(o), list(n));
                    self.emit("const-changed", msg);
                }
            }
            (Some(o), Some(n)) => {
                for v in o.iter().filter(|v| !n.contains(v)) {
                    self.emit("enum-value-removed", format!("enum value {v} removed"));
                }
                for v in n.iter().filter(|v| !o.contains(v)) {
                    self.emit("enum-value-added", format!("enum value {v} added"));
                }
            }
            (None, Some(n)) if nv.is_const => {
                self.emit("const-added", format!("now fixed to {}", list(n)));
            }
            (None, Some(n)) => self.emit("became-enum", format!("now restricted to {}", list(n))),
            (Some(o), None) if ov.is_const => {
                self.emit("const-removed", format!("no longer fixed to {}", list(o)));
            }
            (Some(o), None) => self.emit("enum-removed", format!("no longer restricted to {}", list(o))),
            (None, None) => {}
        }
    }

    /// JSON Schema 2020-12 keywords OpenAPI 3.1 allows: compared by presence and value.
    fn keywords(&mut self) {
        let (ov, nv) = (self.ov, self.nv);
        for (key, attr, kind) in KEYWORDS {
            let (o, n) = (ov.keyword(key), nv.keyword(key));
            if o == n {
                continue;
            }
            let suffix = match (kind, o, n) {
                (Keyword::Count { is_max }, _, _) => {
                    let (oc, nc) = (o.and_then(Value::as_u64), n.and_then(Value::as_u64));
                    let Some(stricter) = compare_count(oc, nc, is_max) else {
                        continue;
                    };
                    if stricter == is_max { "decreased" } else { "increased" }
                }
                (Keyword::Changed, _, _) => "changed",
                (_, None, Some(_)) => "added",
                (_, Some(_), None) => "removed",
                (Keyword::Presence, Some(_), Some(_)) => continue,
                (Keyword::PresenceOrChanged, Some(_), Some(_)) => "changed",
                (_, None, None) => continue,
            };
            let msg = format!(
                "{key} changed from {} to {}",
                o.map_or_else(|| "none".to_owned(), Value::to_string),
                n.map_or_else(|| "none".to_owned(), Value::to_string)
            );
            self.emit(&format!("{attr}-{suffix}"), msg);
        }
    }

    /// Emit one change per limit whose value (read from each side by its getter) moved: `compare`
    /// tells whether it became stricter (`None`: unchanged), `show` prints a value for the message.
    fn limits<T: Copy>(
        &mut self,
        limits: [Limited<'v, T>; 4],
        compare: fn(Option<T>, Option<T>, bool) -> Option<bool>,
        show: fn(Option<T>) -> String,
    ) {
        let (ov, nv) = (self.ov, self.nv);
        let request = self.site.direction == Direction::Request;
        for (limit, get) in limits {
            let (o, n) = (get(ov), get(nv));
            if let Some(stricter) = compare(o, n, limit.is_max) {
                let msg = format!("{} changed from {} to {}", limit.name, show(o), show(n));
                let attr = limit.attr(request, o.is_some(), n.is_some(), stricter);
                self.emit(&attr, msg);
            }
        }
    }
}

/// Whether a view constrains nothing a value's shape depends on: no properties, items, values,
/// alternatives or closed `additionalProperties`.
fn loosely_typed(view: &View<'_>) -> bool {
    view.properties.is_empty()
        && view.items.is_none()
        && view.enumv.is_none()
        && view.variants.is_empty()
        && !view.closed
}

/// A limit and how to read its value from a schema view.
type Limited<'v, T> = (Limit, fn(&View<'v>) -> Option<T>);

/// A numeric or count limit and how its changes are named.
struct Limit {
    /// The keyword, for messages.
    name: &'static str,
    /// The id part: `max`, `min-length`...
    attr: &'static str,
    is_max: bool,
    /// A request limit that appears has its own `-set` id.
    set: bool,
    /// A response limit that disappears has its own `-unset` id.
    unset: bool,
}

impl Limit {
    const fn new(name: &'static str, attr: &'static str, is_max: bool, set: bool, unset: bool) -> Self {
        Self {
            name,
            attr,
            is_max,
            set,
            unset,
        }
    }

    /// The id suffix of a change; `stricter` when the new limit admits fewer values.
    fn attr(&self, request: bool, old: bool, new: bool, stricter: bool) -> String {
        if request && self.set && !old && new {
            return format!("{}-set", self.attr);
        }
        if !request && self.unset && old && !new {
            return format!("{}-unset", self.attr);
        }
        let way = if stricter == self.is_max {
            "decreased"
        } else {
            "increased"
        };
        format!("{}-{way}", self.attr)
    }
}

/// `Some(true)` when `new` is stricter than `old`, `Some(false)` when looser, `None` when equal.
fn compare_bound(old: Option<Bound>, new: Option<Bound>, is_max: bool) -> Option<bool> {
    match (old, new) {
        (None, None) => None,
        (None, Some(_)) => Some(true),
        (Some(_), None) => Some(false),
        (Some(o), Some(n)) => {
            let (o_v, n_v) = if is_max {
                (o.value, n.value)
            } else {
                (-o.value, -n.value)
            };
            if n_v < o_v || (n_v == o_v && n.exclusive && !o.exclusive) {
                Some(true)
            } else if o_v < n_v || (n_v == o_v && o.exclusive && !n.exclusive) {
                Some(false)
            } else {
                None
            }
        }
    }
}

/// Like [`compare_bound`] for counts (maxLength...): an absent minimum is 0.
fn compare_count(old: Option<u64>, new: Option<u64>, is_max: bool) -> Option<bool> {
    if is_max {
        match (old, new) {
            (None, None) => None,
            (None, Some(_)) => Some(true),
            (Some(_), None) => Some(false),
            (Some(o), Some(n)) => (o != n).then_some(n < o),
        }
    } else {
        let (o, n) = (old.unwrap_or(0), new.unwrap_or(0));
        (o != n).then_some(n > o)
    }
}

/// A bound's value; the keyword in the message says whether it is exclusive.
fn bound(b: Option<Bound>) -> String {
    // `f64`'s `Display` writes whole numbers without `.0` and never uses an exponent.
    b.map_or_else(|| "none".into(), |b| b.value.to_string())
}

/// A count, or `none`.
fn count(c: Option<u64>) -> String {
    c.map_or_else(|| "none".into(), |c| c.to_string())
}

/// Values in brackets, for messages.
fn list(values: &[&Value]) -> String {
    let items: Vec<String> = values.iter().map(|v| v.to_string()).collect();
    format!("[{}]", items.join(", "))
}
