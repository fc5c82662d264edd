//! Turning what a person types into search terms. PostgreSQL stems French itself; for SQLite's
//! FTS5, which has no French stemmer, words are lower-cased, stripped of accents and of a
//! plural ending, and matched as prefixes, so "évaluations" still finds "évaluation".

/// Words worth searching for, at most ten, each at least two characters.
pub fn words(query: &str) -> Vec<String> {
    query
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.chars().count() >= 2)
        .take(10)
        .map(str::to_lowercase)
        .collect()
}

/// An FTS5 MATCH expression: every word must appear, as a prefix of its light stem.
pub fn fts5_query(query: &str) -> Option<String> {
    let terms: Vec<String> = words(query)
        .iter()
        .map(|w| format!("\"{}\"*", light_stem(&fold_accents(w))))
        .collect();
    (!terms.is_empty()).then(|| terms.join(" AND "))
}

fn fold_accents(word: &str) -> String {
    word.chars()
        .map(|c| match c {
            'à' | 'â' | 'ä' => 'a',
            'ç' => 'c',
            'é' | 'è' | 'ê' | 'ë' => 'e',
            'î' | 'ï' => 'i',
            'ô' | 'ö' => 'o',
            'ù' | 'û' | 'ü' => 'u',
            'ÿ' => 'y',
            other => other,
        })
        .collect()
}

/// Drops a French plural mark; a prefix search then also finds the singular.
fn light_stem(word: &str) -> String {
    let chars: Vec<char> = word.chars().collect();
    if chars.len() > 3 && matches!(chars.last(), Some('s') | Some('x')) {
        chars[..chars.len() - 1].iter().collect()
    } else {
        word.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plurals_and_accents_are_folded_into_prefix_terms() {
        assert_eq!(
            fts5_query("Évaluations internes").as_deref(),
            Some("\"evaluation\"* AND \"interne\"*")
        );
    }

    #[test]
    fn punctuation_cannot_inject_fts_syntax() {
        // Operators become plain quoted words; lone letters are dropped.
        assert_eq!(fts5_query("\"a\" OR x*)").as_deref(), Some("\"or\"*"));
        assert_eq!(fts5_query("* ( ) :").as_deref(), None);
        assert_eq!(
            fts5_query("NEAR(diag* projet").as_deref(),
            Some("\"near\"* AND \"diag\"* AND \"projet\"*")
        );
    }
}
