-- Added by hand (Prisma cannot express storage, triggers or functions). Issue 15, the tail of
-- guide search on PGlite at 5,000 passages: the slowest questions have a common concept with
-- thousands of hits, and the rank step read and grouped one row per (passage, concept) hit.
-- Now one GIN scan finds the passages matching a must concept, and each one's coverage is read
-- from two small vectors stored inline: `heading` and `stripped` (`search` without positions,
-- under 1 kB, so never compressed or moved out of line). Pages are identical to before.
-- AlterTable
ALTER TABLE "GuidePassage" ADD COLUMN     "stripped" tsvector;
ALTER TABLE "GuidePassage" ALTER COLUMN "stripped" SET STORAGE PLAIN;

CREATE OR REPLACE FUNCTION "guide_passage_search_vector"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW."heading" :=
    setweight(to_tsvector('dutch', coalesce(NEW."title", '')), 'A') ||
    setweight(to_tsvector('dutch', coalesce(array_to_string(NEW."tags", ' '), '')), 'B');
  NEW."search" := NEW."heading" || setweight(to_tsvector('dutch', coalesce(NEW."body", '')), 'C');
  NEW."searchLexemes" := length(NEW."search");
  NEW."stripped" := strip(NEW."search");
  RETURN NEW;
END
$$;

-- Passages stored before this migration get their stripped vector now.
UPDATE "GuidePassage" SET "title" = "title";

-- The rank statement of search.ts (rankPassages), same arguments and results as in
-- h24_guide_rank_function; only the coverage step changed.
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
DECLARE
  -- A passage matches when it has any must concept (the rarer ones; every concept when all are
  -- common): one GIN scan for all of them, no hit rows per concept to group afterwards.
  must_query tsquery := (SELECT string_agg('(' || concept_queries[m] || ')', ' | ')::tsquery FROM unnest(must_concepts) AS m);
  concepts tsquery[] := ARRAY(SELECT c::tsquery FROM unnest(concept_queries) WITH ORDINALITY AS u(c, i) ORDER BY i);
  headings tsquery[] := ARRAY(SELECT c::tsquery FROM unnest(heading_queries) WITH ORDINALITY AS u(c, i) ORDER BY i);
BEGIN
  RETURN QUERY
  WITH q AS (
    SELECT exact_query::tsquery AS q, NULLIF(expanded_query, '')::tsquery AS s,
           greatest(cardinality(concept_queries), 1)::float8 AS concepts
  ),
  -- Coverage per matching passage, read from its two small inline vectors: how many concepts
  -- its title and tags have (heading), and how many it has anywhere (stripped). A common
  -- concept is evaluated on the matching passages only, never scanned over the whole guide.
  -- Written out for 8 concepts (an array element past the end is NULL, so it counts 0);
  -- the rest, rare, through a subquery.
  coverage AS (
    SELECT p.id, p.slug, p."searchLexemes" AS lexemes,
           (coalesce(p."heading" @@ headings[1], false)::int
             + coalesce(p."heading" @@ headings[2], false)::int
             + coalesce(p."heading" @@ headings[3], false)::int
             + coalesce(p."heading" @@ headings[4], false)::int
             + coalesce(p."heading" @@ headings[5], false)::int
             + coalesce(p."heading" @@ headings[6], false)::int
             + coalesce(p."heading" @@ headings[7], false)::int
             + coalesce(p."heading" @@ headings[8], false)::int
             + CASE WHEN cardinality(headings) > 8 THEN (SELECT count(*) FROM unnest(headings[9:]) AS x WHERE p."heading" @@ x)::int ELSE 0 END)::bigint AS heads,
           (coalesce(p."stripped" @@ concepts[1], false)::int
             + coalesce(p."stripped" @@ concepts[2], false)::int
             + coalesce(p."stripped" @@ concepts[3], false)::int
             + coalesce(p."stripped" @@ concepts[4], false)::int
             + coalesce(p."stripped" @@ concepts[5], false)::int
             + coalesce(p."stripped" @@ concepts[6], false)::int
             + coalesce(p."stripped" @@ concepts[7], false)::int
             + coalesce(p."stripped" @@ concepts[8], false)::int
             + CASE WHEN cardinality(concepts) > 8 THEN (SELECT count(*) FROM unnest(concepts[9:]) AS x WHERE p."stripped" @@ x)::int ELSE 0 END)::bigint AS anywhere
    FROM "GuidePassage" p
    WHERE p."search" @@ must_query
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

-- The thesaurus lookup of thesaurus-store.ts (lookupThesaurus) likewise as a function, so its
-- plan is kept for the session as for the analysis and the rank (it was planned anew for every
-- question: on PGlite a fifth of a question).
CREATE OR REPLACE FUNCTION "guide_lookup_thesaurus"(phrases text[], passage_count_lexeme text, row_limit int)
RETURNS TABLE (i int, lang text, kind text, term text, target text, lexemes text[], share float8)
LANGUAGE plpgsql STABLE
SET plan_cache_mode = force_generic_plan
AS $$
#variable_conflict use_column
BEGIN
  RETURN QUERY
  WITH n AS MATERIALIZED (
    SELECT u.i::int AS i,
           array_to_string(tsvector_to_array(to_tsvector('dutch', u.phrase)), ' ') AS key_nl,
           array_to_string(tsvector_to_array(to_tsvector('english', u.phrase)), ' ') AS key_en
    FROM unnest(phrases) WITH ORDINALITY AS u(phrase, i)
  ), hit AS (
    SELECT n.i, t.lang, t.kind, t.term, t.target
    FROM n JOIN "GuideThesaurus" t
      ON (t.lang = 'nl' AND t.key = n.key_nl AND n.key_nl <> '') OR (t.lang = 'en' AND t.key = n.key_en AND n.key_en <> '')
  ), expanded AS (
    SELECT * FROM hit
    UNION
    SELECT h.i, h.lang, 'translation-synonym', h.term, s.target
    FROM hit h JOIN "GuideThesaurus" s ON s.lang = 'nl' AND s.kind = 'synonym' AND s.term = h.target
    WHERE h.kind = 'translation'
  ), lexed AS (
    SELECT e.*, tsvector_to_array(to_tsvector('dutch', e.target)) AS lexemes FROM expanded e
  )
  SELECT l.i, l.lang, l.kind, l.term, l.target, l.lexemes,
         coalesce((SELECT min(x.passages) FROM "GuideLexeme" x WHERE x.lexeme = ANY (l.lexemes)), 0)::float8
           / greatest(coalesce((SELECT x.passages FROM "GuideLexeme" x WHERE x.lexeme = passage_count_lexeme),
                               (SELECT count(*) FROM "GuidePassage")), 1)::float8
  FROM lexed l
  ORDER BY l.i, l.kind, l.target
  LIMIT row_limit;
END
$$;
