//! Typed ids, shared by every vendor: one newtype per kind of id, so that an id of one kind (a
//! TechWolf employee, a Kombo skill) cannot be passed where another belongs. Each is text on the
//! wire (`serde(transparent)`, the same JSON Schema as a string), reads and prints as text, and
//! compares with `str` and `String`.

/// Defines a string id newtype with its conversions and comparisons.
macro_rules! string_id {
    ($(#[$meta:meta])* $name:ident) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            /// The id as text.
            pub fn as_str(&self) -> &str {
                &self.0
            }

            /// The id's text, owned.
            pub fn into_string(self) -> String {
                self.0
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl std::str::FromStr for $name {
            type Err = std::convert::Infallible;

            /// Any text: ids are checked when a request uses them.
            fn from_str(id: &str) -> Result<Self, Self::Err> {
                Ok(Self(id.to_owned()))
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl std::borrow::Borrow<str> for $name {
            fn borrow(&self) -> &str {
                &self.0
            }
        }

        impl From<String> for $name {
            fn from(id: String) -> Self {
                Self(id)
            }
        }

        impl From<&str> for $name {
            fn from(id: &str) -> Self {
                Self(id.to_owned())
            }
        }

        /// For a slice of `&str` (`ids(["a", "b"].as_slice())`).
        impl From<&&str> for $name {
            fn from(id: &&str) -> Self {
                Self((*id).to_owned())
            }
        }

        impl From<&String> for $name {
            fn from(id: &String) -> Self {
                Self(id.clone())
            }
        }

        impl From<&$name> for $name {
            fn from(id: &$name) -> Self {
                id.clone()
            }
        }

        impl From<$name> for String {
            fn from(id: $name) -> Self {
                id.0
            }
        }

        impl PartialEq<str> for $name {
            fn eq(&self, other: &str) -> bool {
                self.0 == other
            }
        }

        impl PartialEq<&str> for $name {
            fn eq(&self, other: &&str) -> bool {
                self.0 == *other
            }
        }

        impl PartialEq<String> for $name {
            fn eq(&self, other: &String) -> bool {
                &self.0 == other
            }
        }

        impl PartialEq<$name> for str {
            fn eq(&self, other: &$name) -> bool {
                self == other.0
            }
        }

        impl PartialEq<$name> for &str {
            fn eq(&self, other: &$name) -> bool {
                *self == other.0
            }
        }

        impl PartialEq<$name> for String {
            fn eq(&self, other: &$name) -> bool {
                *self == other.0
            }
        }

        /// A string in JSON Schema, inlined: the wire format is the text.
        #[cfg(feature = "schemars")]
        #[cfg_attr(docsrs, doc(cfg(feature = "schemars")))]
        impl schemars::JsonSchema for $name {
            fn is_referenceable() -> bool {
                false
            }

            fn schema_name() -> String {
                String::schema_name()
            }

            fn json_schema(generator: &mut schemars::r#gen::SchemaGenerator) -> schemars::schema::Schema {
                String::json_schema(generator)
            }
        }
    };
}

pub(crate) use string_id;

#[cfg(test)]
mod tests {
    string_id!(
        /// A test id.
        TestId
    );

    #[test]
    fn an_id_is_text_on_the_wire_and_compares_with_text() {
        let id: TestId = "abc".parse().expect("any text");
        assert_eq!(id, "abc");
        assert_eq!("abc", id);
        assert_eq!(id, String::from("abc"));
        assert_eq!(id.to_string(), "abc");
        assert_eq!(serde_json::to_string(&id).expect("serializes"), r#""abc""#);
        assert_eq!(serde_json::from_str::<TestId>(r#""abc""#).expect("decodes"), id);
        let set: std::collections::HashSet<TestId> = [TestId::from("abc")].into();
        assert!(set.contains("abc"), "looked up by text (Borrow<str>)");
        assert_eq!(String::from(id.clone()), "abc");
        assert_eq!(id.as_ref(), "abc");
        assert_eq!(id.into_string(), "abc");
    }
}
