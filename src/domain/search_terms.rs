//! Turning what a person types into search terms. PostgreSQL stems French itself; for SQLite's
//! FTS5, which has no French stemmer, words are lower-cased, stripped of accents and of a
//! plural ending, and matched in their singular and plural forms, so "évaluations" still finds
//! "évaluation" and the other way round.

/// Words worth searching for, at most ten, each at least two characters.
pub fn words(query: &str) -> Vec<String> {
    query
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.chars().count() >= 2)
        .take(10)
        .map(str::to_lowercase)
        .collect()
}

/// An FTS5 MATCH expression: every word must appear, as its light stem or that stem with a
/// plural `s` or `x`. Exact forms rather than a prefix (`"evaluation"*`): FTS5 answers a prefix
/// by merging the whole list of rows of every word it starts, across the whole index, before
/// it can skip to the rows of one dossier; measured on a million rows, a prefix ANDed with a
/// dossier took 85 ms, the three exact forms 0.03 ms. A partial word is therefore not completed.
pub fn fts5_query(query: &str) -> Option<String> {
    let terms: Vec<String> = words(query)
        .iter()
        .map(|w| {
            let stem = light_stem(&fold_accents(w));
            format!("(\"{stem}\" OR \"{stem}s\" OR \"{stem}x\")")
        })
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

/// Drops a French plural mark; the search then asks for the singular and both plurals.
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
    fn plurals_and_accents_are_folded_into_a_word_and_its_plurals() {
        assert_eq!(
            fts5_query("Évaluations internes").as_deref(),
            Some(
                "(\"evaluation\" OR \"evaluations\" OR \"evaluationx\") \
                 AND (\"interne\" OR \"internes\" OR \"internex\")"
            )
        );
    }

    #[test]
    fn punctuation_cannot_inject_fts_syntax() {
        // Operators become plain quoted words; lone letters are dropped.
        assert_eq!(
            fts5_query("\"a\" OR x*)").as_deref(),
            Some("(\"or\" OR \"ors\" OR \"orx\")")
        );
        assert_eq!(fts5_query("* ( ) :").as_deref(), None);
        assert_eq!(
            fts5_query("NEAR(diag* travaux").as_deref(),
            Some(
                "(\"near\" OR \"nears\" OR \"nearx\") AND (\"diag\" OR \"diags\" OR \"diagx\") \
                 AND (\"travau\" OR \"travaus\" OR \"travaux\")"
            )
        );
    }
}
