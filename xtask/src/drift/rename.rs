//! Renamed path parameters: `/a/{id}` and `/a/{entityId}` are the same path (paths match by
//! shape), and the parameter at the same place in the template is the same parameter under
//! another name. A client fills path parameters by position, so the rename itself breaks nothing
//! (`request-parameter-renamed`, INFO); what else changed on the parameter (its schema, default,
//! required-ness) is compared as for any kept parameter, instead of a removed parameter and a
//! new one.
//!
//! Only path parameters: a query, header or cookie parameter is sent by name, so a new name is a
//! removed parameter and a new one, and reported so.

/// The names of the template parameters of `path`, in order (`/a/{x}/b/{y}`: `x`, `y`).
fn template_names(path: &str) -> Vec<&str> {
    path.split('{')
        .skip(1)
        .filter_map(|after_brace| after_brace.split_once('}').map(|(name, _)| name))
        .collect()
}

/// The path parameters renamed from `old_path` to `new_path` (two paths of the same shape):
/// `(old name, new name)` for each place whose name changed, when the old name is gone from the
/// new template and the new one was not in the old.
pub fn path_parameters(old_path: &str, new_path: &str) -> Vec<(String, String)> {
    let (old, new) = (template_names(old_path), template_names(new_path));
    if old.len() != new.len() {
        return Vec::new();
    }
    old.iter()
        .zip(&new)
        .filter(|(o, n)| o != n && !new.contains(o) && !old.contains(n))
        .map(|(o, n)| ((*o).to_owned(), (*n).to_owned()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pairs_names_by_place_in_the_template() {
        assert_eq!(
            path_parameters("/a/{id}/b/{x}", "/a/{entityId}/b/{x}"),
            [("id".to_owned(), "entityId".to_owned())]
        );
        assert!(path_parameters("/a/{id}", "/a/{id}").is_empty());
        // Swapped names are not renames: each name is still there.
        assert!(path_parameters("/a/{x}/{y}", "/a/{y}/{x}").is_empty());
        assert!(path_parameters("/a/{x", "/a/{y").is_empty());
    }
}
