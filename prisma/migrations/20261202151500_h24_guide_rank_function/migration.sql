-- Added by hand (Prisma cannot express functions; its diff ignores them): the rank statement of
-- src/core/guide/search.ts (rankPassages) as a function, for two reasons measured on PGlite at
-- 5,000 passages (issue 15):
--  * A plpgsql function keeps its plan for the session (plan_cache_mode: the generic plan from
--    the first call on), where a statement sent from the client is planned anew every time; a
--    third of the statement's time was planning.
--  * enable_seqscan off, for this function only: without it the planner often read all 5,000
--    passages and evaluated every concept on each one's large, compressed, out-of-line `search`
--    value, where the GIN index finds the matches without reading them.
-- The weights and limits stay in TypeScript (search.ts, next to their reasons) and come in as
-- arguments. The same function runs on PGlite and PostgreSQL.
CREATE OR REPLACE FUNCTION "guide_rank_passages"(
  exact_query text, expanded_query text, must_concepts int[], concept_queries text[], heading_queries text[],
  candidate_limit int, page_limit int, page_offset int,
  rank_weights float4[], rank_normalisation int, thesaurus_weight float8, heading_weight float8, coverage_weight float8,
  headline_options text
)
RETURNS TABLE (
  id text, slug text, rank float8, total bigint, chapter text, "chapterTitle" text, title text, body text,
  tags text[], source text, sample boolean, snippet text
)
LANGUAGE plpgsql STABLE
SET enable_seqscan = off
SET plan_cache_mode = force_generic_plan
AS $$
#variable_conflict use_column
BEGIN
  RETURN QUERY
  WITH q AS (
    SELECT exact_query::tsquery AS q, NULLIF(expanded_query, '')::tsquery AS s, must_concepts AS must,
           greatest(cardinality(concept_queries), 1)::float8 AS concepts
  ),
  concept AS (
    SELECT c.query::tsquery AS query, h.query::tsquery AS heading, c.i::int AS i
    FROM unnest(concept_queries) WITH ORDINALITY AS c(query, i)
    JOIN unnest(heading_queries) WITH ORDINALITY AS h(query, i) USING (i)
  ),
  -- Coverage per passage from the GIN indexes, two index scans per concept: which concepts
  -- each passage has anywhere (search), and which in its title and tags (heading). Only ids
  -- come back, the large `search` values are not read here.
  hit AS (
    SELECT p.id, p.slug, p."searchLexemes" AS lexemes, concept.i, false AS heading
    FROM concept JOIN "GuidePassage" p ON p."search" @@ concept.query
    UNION ALL
    SELECT p.id, p.slug, p."searchLexemes", concept.i, true
    FROM concept JOIN "GuidePassage" p ON p."heading" @@ concept.heading
  ),
  coverage AS (
    SELECT hit.id, hit.slug, hit.lexemes, count(*) FILTER (WHERE hit.heading) AS heads, count(*) FILTER (WHERE NOT hit.heading) AS anywhere
    FROM hit, q
    GROUP BY hit.id, hit.slug, hit.lexemes
    HAVING bool_or(NOT hit.heading AND hit.i = ANY (q.must))
  ),
  candidate AS (
    SELECT coverage.*, count(*) OVER () AS total
    FROM coverage
    -- Between passages that cover as much, the shorter ranks higher (the text rank is divided
    -- by the length): the candidates a tie leaves out are the longest.
    ORDER BY heads DESC, anywhere DESC, lexemes, slug
    LIMIT candidate_limit
  ),
  page AS (
    SELECT p.id, p.slug, candidate.total,
           (ts_rank(rank_weights, p."search", q.q, rank_normalisation)
            + thesaurus_weight * coalesce(ts_rank(rank_weights, p."search", q.s, rank_normalisation), 0)
            + heading_weight * candidate.heads / q.concepts
            + coverage_weight * candidate.anywhere / q.concepts
           )::float8 AS rank
    FROM candidate JOIN "GuidePassage" p ON p.id = candidate.id, q
    ORDER BY rank DESC, p.slug
    LIMIT page_limit OFFSET page_offset
  )
  SELECT page.id, page.slug, page.rank, page.total, p.chapter, p."chapterTitle", p.title, p.body, p.tags, p.source, p.sample,
         ts_headline('dutch', p.body, CASE WHEN q.s IS NULL THEN q.q ELSE q.q || q.s END, headline_options) AS snippet
  FROM page JOIN "GuidePassage" p ON p.id = page.id, q
  ORDER BY page.rank DESC, page.slug;
END
$$;

-- The query analysis of search.ts (analyse) likewise: its plan kept for the session, and the
-- "does the guide have this word" check through the GIN index (a word the guide lacks made
-- the planner's early-stop sequential scan read every passage's `search` value).
CREATE OR REPLACE FUNCTION "guide_analyse_words"(query_words text[], min_prefix_length int, typo_similarity float8)
RETURNS TABLE (
  i int, word text, lexemes text[], is_found boolean, share float8, similar text, similar_lexemes text[], score float8
)
LANGUAGE plpgsql STABLE
SET enable_seqscan = off
SET plan_cache_mode = force_generic_plan
AS $$
#variable_conflict use_column
BEGIN
  RETURN QUERY
  WITH w AS MATERIALIZED (
    SELECT u.i::int AS i, u.word, tsvector_to_array(to_tsvector('dutch', u.word)) AS lexemes
    FROM unnest(query_words) WITH ORDINALITY AS u(word, i)
  ), n AS (
    -- The number of passages, kept under the empty lexeme (passage-count.ts).
    SELECT greatest(coalesce((SELECT x.passages FROM "GuideLexeme" x WHERE x.lexeme = ''), (SELECT count(*) FROM "GuidePassage")), 1)::float8 AS passages
  ), f AS (
    SELECT w.*, cardinality(w.lexemes) > 0 AND EXISTS (
      SELECT 1 FROM "GuidePassage" p
      WHERE p."search" @@ to_tsquery('simple', array_to_string(ARRAY(
        SELECT quote_literal(l) || CASE WHEN length(l) >= min_prefix_length THEN ':*' ELSE '' END FROM unnest(w.lexemes) AS l), ' & '))
    ) AS found,
    coalesce((SELECT max(x.passages) FROM "GuideLexeme" x WHERE x.lexeme = ANY (w.lexemes)), 0)::float8 / n.passages AS share
    FROM w, n
  )
  SELECT f.i, f.word, f.lexemes, f.found, f.share, s.word, s.lexemes, s.score::float8
  FROM f
  LEFT JOIN LATERAL (
    SELECT g.word, tsvector_to_array(to_tsvector('dutch', g.word)) AS lexemes, similarity(g.word, f.word) AS score
    FROM "GuideTerm" g
    WHERE NOT f.found AND cardinality(f.lexemes) > 0 AND length(f.word) >= 4 AND g.word % f.word
    ORDER BY similarity(g.word, f.word) DESC, g.passages DESC, g.word
    LIMIT 3
  ) s ON s.score >= typo_similarity
  ORDER BY f.i, s.score DESC NULLS LAST, s.word;
END
$$;
