//! The public surface of a generated client, read back from its Rust source with `syn`: each
//! type with its fields (struct fields, a newtype's `0`, enum variants) and each operation with
//! the methods of its builder, every member with its type as token text. Two models compare
//! member by member ([`super::diff`]); nothing here depends on how progenitor lays out the file
//! beyond its three modules (`types`, the `Client` impl and `builder`).

use std::collections::BTreeMap;

/// What an item of the generated surface is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    /// A `struct` in `types` (fields; a newtype's field is `0`).
    Struct,
    /// An `enum` in `types` (variants, with their payload).
    Enum,
    /// A `Client` method: one operation.
    Operation,
    /// An operation's builder in `builder`: its methods, one per parameter or body.
    Builder,
}

impl Kind {
    /// The word for the item itself.
    pub fn item_word(self) -> &'static str {
        match self {
            Self::Struct | Self::Enum => "type",
            Self::Operation => "operation",
            Self::Builder => "builder",
        }
    }

    /// The word for one of its members.
    pub fn member_word(self) -> &'static str {
        match self {
            Self::Struct => "field",
            Self::Enum => "variant",
            Self::Operation => "member",
            Self::Builder => "builder method",
        }
    }
}

/// One item: its kind and its members (name → type as token text; a unit variant's is empty).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    /// What the item is.
    pub kind: Kind,
    /// Its members in name order.
    pub members: BTreeMap<String, String>,
}

/// The surface of one generated source: items by path (`types::Name`, `Client::method`,
/// `builder::Name`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Model {
    /// Every item, by path.
    pub items: BTreeMap<String, Item>,
}

impl Model {
    /// Parse a generated source. An error is `syn`'s, in one line.
    pub fn parse(source: &str) -> Result<Self, String> {
        let file = syn::parse_file(source).map_err(|e| format!("the generated code does not parse: {e}"))?;
        let mut model = Self::default();
        model.items_of(&file.items, "");
        Ok(model)
    }

    fn items_of(&mut self, items: &[syn::Item], module: &str) {
        for item in items {
            match item {
                syn::Item::Mod(m) => {
                    let name = m.ident.to_string();
                    let path = join(module, &name);
                    // `types::builder` mirrors the fields of `types`, `types::error` is the
                    // conversion error: neither adds to the surface compared.
                    if matches!(path.as_str(), "types::builder" | "types::error") {
                        continue;
                    }
                    if let Some((_, inner)) = &m.content {
                        self.items_of(inner, &path);
                    }
                }
                syn::Item::Struct(s) if module == "builder" => {
                    let members = s
                        .fields
                        .iter()
                        .filter_map(|f| Some((f.ident.as_ref()?.to_string(), builder_type(&f.ty))))
                        .filter(|(name, _)| name != "client")
                        .collect();
                    self.insert(module, &s.ident, Kind::Builder, members);
                }
                syn::Item::Struct(s) if is_pub(&s.vis) && module == "types" => {
                    let members = s
                        .fields
                        .iter()
                        .enumerate()
                        .filter(|(_, f)| is_pub(&f.vis))
                        .map(|(i, f)| {
                            let name = f.ident.as_ref().map_or_else(|| i.to_string(), ToString::to_string);
                            (name, tokens(&f.ty))
                        })
                        .collect();
                    self.insert(module, &s.ident, Kind::Struct, members);
                }
                syn::Item::Enum(e) if is_pub(&e.vis) && module == "types" => {
                    let members = e
                        .variants
                        .iter()
                        .map(|v| (v.ident.to_string(), variant_payload(&v.fields)))
                        .collect();
                    self.insert(module, &e.ident, Kind::Enum, members);
                }
                syn::Item::Impl(i) if module.is_empty() && i.trait_.is_none() && is_client(&i.self_ty) => {
                    for f in i.items.iter().filter_map(|f| match f {
                        syn::ImplItem::Fn(f) if is_pub(&f.vis) => Some(f),
                        _ => None,
                    }) {
                        let name = f.sig.ident.to_string();
                        // The constructors are the client's own, not operations.
                        if name.starts_with("new") {
                            continue;
                        }
                        let output = match &f.sig.output {
                            syn::ReturnType::Default => String::new(),
                            syn::ReturnType::Type(_, ty) => tokens(ty),
                        };
                        let members = BTreeMap::from([("returns".to_owned(), output)]);
                        self.items.insert(
                            format!("Client::{name}"),
                            Item {
                                kind: Kind::Operation,
                                members,
                            },
                        );
                    }
                }
                _ => {}
            }
        }
    }

    fn insert(&mut self, module: &str, ident: &syn::Ident, kind: Kind, members: BTreeMap<String, String>) {
        self.items
            .insert(join(module, &ident.to_string()), Item { kind, members });
    }
}

fn join(module: &str, name: &str) -> String {
    if module.is_empty() {
        name.to_owned()
    } else {
        format!("{module}::{name}")
    }
}

fn is_pub(vis: &syn::Visibility) -> bool {
    matches!(vis, syn::Visibility::Public(_))
}

fn is_client(ty: &syn::Type) -> bool {
    matches!(ty, syn::Type::Path(p) if p.path.is_ident("Client"))
}

/// A type as compact token text: `::std::option::Option<::std::string::String>`.
pub fn tokens(ty: &impl quote::ToTokens) -> String {
    compact(&ty.to_token_stream().to_string())
}

/// Token text without the spaces `proc_macro2` puts between tokens (kept between words).
fn compact(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == ' ' {
            let next = chars.peek().copied().unwrap_or(' ');
            let prev = out.chars().last().unwrap_or(' ');
            let word = |c: char| c.is_alphanumeric() || c == '_' || c == '\'';
            if word(prev) && word(next) {
                out.push(' ');
            }
            continue;
        }
        out.push(c);
        if c == ',' {
            out.push(' ');
        }
    }
    out
}

/// A builder field's type without the `Result<_, String>` it is held in (the method's argument).
fn builder_type(ty: &syn::Type) -> String {
    if let syn::Type::Path(p) = ty
        && let Some(last) = p.path.segments.last()
        && last.ident == "Result"
        && let syn::PathArguments::AngleBracketed(args) = &last.arguments
        && let Some(syn::GenericArgument::Type(inner)) = args.args.first()
    {
        return tokens(inner);
    }
    tokens(ty)
}

/// A variant's payload as token text: empty for a unit variant.
fn variant_payload(fields: &syn::Fields) -> String {
    match fields {
        syn::Fields::Unit => String::new(),
        syn::Fields::Unnamed(f) => {
            let parts: Vec<String> = f.unnamed.iter().map(|f| tokens(&f.ty)).collect();
            format!("({})", parts.join(", "))
        }
        syn::Fields::Named(f) => {
            let parts: Vec<String> = f
                .named
                .iter()
                .map(|f| {
                    let name = f.ident.as_ref().map(ToString::to_string).unwrap_or_default();
                    format!("{name}: {}", tokens(&f.ty))
                })
                .collect();
            format!("{{ {} }}", parts.join(", "))
        }
    }
}

/// A type for people: paths shortened to their last segment (`Option<String>`).
pub fn short(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut segment = String::new();
    let flush = |segment: &mut String, out: &mut String| {
        let last = segment.rsplit("::").next().unwrap_or_default().to_owned();
        out.push_str(&last);
        segment.clear();
    };
    for c in text.chars() {
        if c.is_alphanumeric() || c == '_' || c == ':' {
            segment.push(c);
        } else {
            flush(&mut segment, &mut out);
            out.push(c);
        }
    }
    flush(&mut segment, &mut out);
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "tests fail loudly on bad fixtures")]
mod tests {
    use super::*;

    const SOURCE: &str = r#"
        pub mod types {
            pub struct Thing {
                pub id: ::std::string::String,
                pub size: ::std::option::Option<i64>,
                hidden: bool,
            }
            pub struct Id(pub ::std::string::String);
            pub enum Color { Red, Custom(::std::string::String), Mixed { a: u8 } }
            pub mod builder {
                pub struct Thing { id: Result<::std::string::String, String> }
            }
        }
        pub struct Client { baseurl: String }
        impl Client {
            pub fn new(baseurl: &str) -> Self { todo!() }
            pub fn get_thing(&self) -> builder::GetThing<'_> { todo!() }
        }
        impl ClientInfo for Client { fn api_version() -> &'static str { "1" } }
        impl Other { pub fn helper(&self) -> u8 { 0 } }
        pub mod builder {
            pub struct GetThing<'a> {
                client: &'a super::Client,
                id: Result<::std::string::String, String>,
                limit: Result<Option<::std::num::NonZeroU64>, String>,
            }
        }
    "#;

    #[test]
    fn reads_types_fields_variants_operations_and_builders() {
        let model = Model::parse(SOURCE).unwrap();
        let names: Vec<&str> = model.items.keys().map(String::as_str).collect();
        assert_eq!(
            names,
            [
                "Client::get_thing",
                "builder::GetThing",
                "types::Color",
                "types::Id",
                "types::Thing"
            ]
        );
        let thing = &model.items["types::Thing"];
        assert_eq!(thing.kind, Kind::Struct);
        assert_eq!(thing.members["size"], "::std::option::Option<i64>");
        assert!(!thing.members.contains_key("hidden"));
        assert_eq!(model.items["types::Id"].members["0"], "::std::string::String");
        let color = &model.items["types::Color"].members;
        assert_eq!(color["Red"], "");
        assert_eq!(color["Custom"], "(::std::string::String)");
        assert_eq!(color["Mixed"], "{ a: u8 }");
        let builder = &model.items["builder::GetThing"];
        assert_eq!(builder.members["limit"], "Option<::std::num::NonZeroU64>");
        assert!(!builder.members.contains_key("client"));
        assert_eq!(
            model.items["Client::get_thing"].members["returns"],
            "builder::GetThing<'_>"
        );
    }

    #[test]
    fn removed_and_added_items_are_named_by_what_they_are() {
        let empty = Model::parse("pub mod types {}").unwrap();
        let full = Model::parse(SOURCE).unwrap();
        let words = |changes: Vec<super::super::ItemChange>| -> Vec<String> {
            changes
                .iter()
                .map(|c| format!("{} {} {}", c.how.as_str(), c.kind, c.item))
                .collect()
        };
        let removed = words(super::super::diff(&full, &empty));
        assert!(
            removed.contains(&"removed operation Client::get_thing".to_owned()),
            "{removed:?}"
        );
        assert!(
            removed.contains(&"removed builder builder::GetThing".to_owned()),
            "{removed:?}"
        );
        assert!(removed.contains(&"removed type types::Color".to_owned()), "{removed:?}");
        assert!(removed.contains(&"removed type types::Thing".to_owned()), "{removed:?}");
        let added = words(super::super::diff(&empty, &full));
        assert!(
            added.contains(&"added operation Client::get_thing".to_owned()),
            "{added:?}"
        );
    }

    #[test]
    fn shortens_paths_for_people() {
        assert_eq!(
            short("::std::option::Option<::chrono::DateTime<::chrono::offset::Utc>>"),
            "Option<DateTime<Utc>>"
        );
    }

    #[test]
    fn token_text_keeps_a_space_only_between_words() {
        let ty = |text: &str| tokens(&syn::parse_str::<syn::Type>(text).unwrap());
        assert_eq!(ty("& 'a mut Vec < T >"), "&'a mut Vec<T>");
        // A lifetime is a word: `impl 'static` keeps its space.
        assert_eq!(ty("impl 'static + Fn (u8) -> r#type"), "impl 'static+Fn(u8)->r#type");
    }

    #[test]
    fn a_source_that_does_not_parse_is_an_error() {
        assert!(Model::parse("pub struct {").is_err());
    }
}
