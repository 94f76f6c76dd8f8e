"""The text model behind friction themes, without the database: learn themes from report texts
(TF-IDF, then NMF) and place texts in the nearest theme. Pure Python over numpy and scikit-learn;
metrics/themes/services.py stores what it learns and what it places.

A fitted model is plain data (TextModel): the vocabulary with each term's inverse document
frequency, and per theme its component (term -> weight, unit length). That is what the database
keeps (JSON, readable in the admin, independent of scikit-learn's pickle format across upgrades),
and `place` rebuilds the vectorizer from it, so a report is placed by the same rule whether it was
there at the fit or filed a year later.

scikit-learn is imported inside the functions: only the Celery worker fits or places, and
importing it costs about 2 s and 100 MB in a process that never needs it (a web worker).
"""

from dataclasses import dataclass

# A report fits a theme when the cosine similarity of its TF-IDF vector to the theme's component
# is at least this; below, it fits no theme and stays unthemed. 0.1 on the sample of
# metrics/tests/test_themes.py every on-topic report clears it by far (the lowest at 0.53), the
# off-topic ones ("the coffee machine …") score 0: it keeps out only reports that share next to
# no theme word.
MIN_SIMILARITY = 0.1
# About how many reports make a theme worth naming: a fit over n reports looks for n // 6 themes,
# between MIN_THEMES and MAX_THEMES. A page of more than 20 themes is not read.
REPORTS_PER_THEME = 6
MIN_THEMES = 2
MAX_THEMES = 20
# Fewer reports than this and there is nothing to learn themes from.
MIN_REPORTS_TO_FIT = REPORTS_PER_THEME * MIN_THEMES
# The terms kept: a word or a pair of words (bigrams name a theme better: "password reset")
# used in at least 2 reports (one reporter's wording is not a theme) and in at most half of
# them (a word everyone uses, "customers", tells themes apart from nothing); the 5,000 most
# frequent of those.
MAX_TERMS = 5000
TOP_TERMS = 6
# Words of three letters or more, letters only: numbers ("50 euros", a ticket number) and
# two-letter words do not make a theme.
WORD_PATTERN = r"(?u)\b[^\W\d_]{3,}\b"


def _vectorizer_options() -> dict:
    return {
        "stop_words": "english",
        "token_pattern": WORD_PATTERN,
        "ngram_range": (1, 2),
        "sublinear_tf": True,
        "lowercase": True,
        "strip_accents": "unicode",
    }


@dataclass(frozen=True)
class TextModel:
    """A fitted model as plain data: {term: idf} and, per theme, {term: weight} (unit length)
    with its top terms, in the order of the fit."""

    idf: dict[str, float]
    components: list[dict[str, float]]
    top_terms: list[list[str]]


def theme_count(reports: int) -> int:
    """How many themes a fit over `reports` reports looks for (0: too few to fit)."""
    if reports < MIN_REPORTS_TO_FIT:
        return 0
    return max(MIN_THEMES, min(MAX_THEMES, reports // REPORTS_PER_THEME))


def fit(texts: list[str], *, random_state: int = 0) -> TextModel | None:
    """Learn themes from `texts`: TF-IDF over the terms above, then NMF (nndsvda start, a fixed
    random state, so the same texts give the same themes). None when there are too few texts or
    too few shared terms to learn from."""
    import numpy as np
    from sklearn.decomposition import NMF
    from sklearn.feature_extraction.text import TfidfVectorizer

    wanted = theme_count(len(texts))
    if not wanted:
        return None
    vectorizer = TfidfVectorizer(
        min_df=2, max_df=0.5, max_features=MAX_TERMS, **_vectorizer_options()
    )
    try:
        matrix = vectorizer.fit_transform(texts)
    except ValueError:  # no term is shared by two reports
        return None
    terms = vectorizer.get_feature_names_out()
    wanted = min(wanted, len(terms))
    if wanted < MIN_THEMES:
        return None
    # tol 1e-3 rather than the default 1e-4: on 20,000 reports it stops after 21 iterations
    # instead of 49 (11 s against 33 s on this project's busy 2-core machine), with the same
    # themes on the test sample (bench/bench_themes.py).
    nmf = NMF(
        n_components=wanted, init="nndsvda", random_state=random_state, max_iter=200, tol=1e-3
    )
    nmf.fit(matrix)
    components, tops = [], []
    for row in nmf.components_:
        norm = float(np.linalg.norm(row))
        if norm == 0:  # NMF found fewer themes than asked: an empty component is no theme
            continue
        kept = np.flatnonzero(row)
        components.append({str(terms[i]): float(row[i] / norm) for i in kept})
        order = np.argsort(-row, kind="stable")[:TOP_TERMS]
        tops.append([str(terms[i]) for i in order if row[i] > 0])
    idf = {str(term): float(value) for term, value in zip(terms, vectorizer.idf_, strict=True)}
    return TextModel(idf=idf, components=components, top_terms=tops)


class Placer:
    """Places texts in the nearest of a stored model's themes. Built once per run (the matrix of
    components), then `place` for each batch."""

    def __init__(self, *, idf: dict[str, float], components: list[dict[str, float]]):
        import numpy as np
        from sklearn.feature_extraction.text import TfidfVectorizer

        terms = sorted(idf)
        index = {term: i for i, term in enumerate(terms)}
        self.vectorizer = TfidfVectorizer(vocabulary=terms, **_vectorizer_options())
        self.vectorizer.idf_ = np.array([idf[t] for t in terms])
        self.components = np.zeros((len(components), len(terms)))
        for row, component in enumerate(components):
            for term, weight in component.items():
                if term in index:
                    self.components[row, index[term]] = weight

    def place(self, texts: list[str]) -> list[tuple[int | None, float]]:
        """For each text, (the index of the nearest theme, its cosine similarity), or (None,
        the best similarity) when no theme reaches MIN_SIMILARITY."""
        import numpy as np

        if not texts:
            return []
        # Rows come l2-normalised from the vectorizer and components are unit length, so the
        # product is the cosine similarity.
        similarity = np.asarray(self.vectorizer.transform(texts) @ self.components.T)
        if similarity.shape[1] == 0:
            return [(None, 0.0) for _ in texts]
        best = similarity.argmax(axis=1)
        score = similarity[np.arange(len(texts)), best]
        return [
            (int(b), float(s)) if s >= MIN_SIMILARITY else (None, float(s))
            for b, s in zip(best, score, strict=True)
        ]


def report_text(title: str, description: str) -> str:
    """What a report says, as the model reads it: its title, then its description."""
    return f"{title}\n{description}"
