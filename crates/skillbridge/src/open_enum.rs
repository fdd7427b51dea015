//! Enumerations a server may extend: known values are variants, anything else decodes into
//! `Unknown(String)` instead of failing, and encodes back unchanged.
//!
//! One macro for every such type (Kombo error codes, TechWolf validation states and skill
//! sources), so they all behave the same in serde, `Display`, `FromStr` and JSON Schema.

/// Declares an open enumeration: the listed variants, plus `Unknown(String)`.
macro_rules! open_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident (schema $schema_name:literal) {
            $($(#[$doc:meta])* $variant:ident = $value:literal,)*
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum $name {
            $($(#[$doc])* $variant,)*
            /// A value this release does not know, as sent.
            Unknown(String),
        }

        impl $name {
            /// Every value this release knows, in the spec's order.
            pub const KNOWN: &'static [$name] = &[$($name::$variant,)*];

            /// The value as the API writes it.
            pub fn as_str(&self) -> &str {
                match self {
                    $($name::$variant => $value,)*
                    $name::Unknown(value) => value,
                }
            }

            /// Whether this is a value this release does not know.
            pub fn is_unknown(&self) -> bool {
                matches!(self, $name::Unknown(_))
            }
        }

        impl From<&str> for $name {
            fn from(value: &str) -> Self {
                match value {
                    $($value => $name::$variant,)*
                    other => $name::Unknown(other.to_owned()),
                }
            }
        }

        impl From<String> for $name {
            /// Like `From<&str>`, keeping the allocation for an unknown value.
            fn from(value: String) -> Self {
                match value.as_str() {
                    $($value => $name::$variant,)*
                    _ => $name::Unknown(value),
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl std::str::FromStr for $name {
            type Err = std::convert::Infallible;

            fn from_str(value: &str) -> std::result::Result<Self, Self::Err> {
                Ok($name::from(value))
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> std::result::Result<Self, D::Error> {
                // A visitor rather than `String`/`Cow` (which always allocates): a known value is
                // matched on the borrowed text, and only an unknown one is copied.
                struct Visitor;
                impl serde::de::Visitor<'_> for Visitor {
                    type Value = $name;
                    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                        f.write_str("a string")
                    }
                    fn visit_str<E: serde::de::Error>(self, value: &str) -> std::result::Result<$name, E> {
                        Ok($name::from(value))
                    }
                    fn visit_string<E: serde::de::Error>(self, value: String) -> std::result::Result<$name, E> {
                        Ok($name::from(value))
                    }
                }
                deserializer.deserialize_str(Visitor)
            }
        }

        #[cfg(feature = "schemars")]
        #[cfg_attr(docsrs, doc(cfg(feature = "schemars")))]
        impl schemars::JsonSchema for $name {
            fn schema_name() -> String {
                $schema_name.to_owned()
            }

            fn json_schema(generator: &mut schemars::r#gen::SchemaGenerator) -> schemars::schema::Schema {
                // An open set: a string, with today's known values as documentation, not as an enum.
                let mut schema = String::json_schema(generator).into_object();
                let known: Vec<&str> = $name::KNOWN.iter().map($name::as_str).collect();
                schema.metadata().description =
                    Some(format!("An open set of values; new ones may appear. Known today: {}.", known.join(", ")));
                schema.into()
            }
        }
    };
}

pub(crate) use open_enum;

#[cfg(test)]
#[allow(unreachable_pub)] // The macro declares `pub` items; here they live in a private module.
mod tests {
    open_enum! {
        /// A test enumeration.
        pub enum Colour (schema "Colour") {
            /// Red.
            Red = "red",
            /// Light blue.
            LightBlue = "light_blue",
        }
    }

    #[test]
    fn known_and_unknown_values_round_trip() {
        let decoded: Vec<Colour> = serde_json::from_str(r#"["red", "light_blue", "ultraviolet"]"#).expect("decodes");
        assert_eq!(
            decoded,
            [
                Colour::Red,
                Colour::LightBlue,
                Colour::Unknown("ultraviolet".to_owned())
            ]
        );
        assert!(decoded[2].is_unknown());
        assert_eq!(Colour::KNOWN, &decoded[..2], "every known value, in declaration order");
        assert_eq!(
            serde_json::to_string(&decoded).expect("encodes"),
            r#"["red","light_blue","ultraviolet"]"#
        );
        assert_eq!("light_blue".parse::<Colour>(), Ok(Colour::LightBlue));
        assert_eq!(Colour::LightBlue.to_string(), "light_blue");
    }

    #[cfg(feature = "schemars")]
    #[test]
    fn schema_is_an_open_string() {
        let schema = serde_json::to_value(schemars::schema_for!(Colour)).expect("schema");
        assert_eq!(schema["type"], "string");
        assert!(schema.get("enum").is_none());
        assert!(
            schema["description"]
                .as_str()
                .is_some_and(|d| d.contains("red, light_blue"))
        );
    }
}
