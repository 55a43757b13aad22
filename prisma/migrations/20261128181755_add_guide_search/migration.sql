-- Added by hand: Prisma does not emit extensions. pg_trgm serves the trigram indexes below.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- AlterTable
ALTER TABLE "GuidePassage" ADD COLUMN     "origin" TEXT NOT NULL DEFAULT 'content',
ADD COLUMN     "search" tsvector,
ADD COLUMN     "tipShownAt" TIMESTAMP(3);

-- CreateTable
CREATE TABLE "GuideTerm" (
    "word" TEXT NOT NULL,
    "passages" INTEGER NOT NULL,

    CONSTRAINT "GuideTerm_pkey" PRIMARY KEY ("word")
);

-- CreateTable
CREATE TABLE "GuideLexeme" (
    "lexeme" TEXT NOT NULL,
    "passages" INTEGER NOT NULL,

    CONSTRAINT "GuideLexeme_pkey" PRIMARY KEY ("lexeme")
);

-- CreateIndex
CREATE INDEX "GuideTerm_word_idx" ON "GuideTerm" USING GIN ("word" gin_trgm_ops);

-- CreateIndex
CREATE INDEX "GuidePassage_origin_idx" ON "GuidePassage"("origin");

-- CreateIndex
CREATE INDEX "GuidePassage_search_idx" ON "GuidePassage" USING GIN ("search");

-- CreateIndex
CREATE INDEX "GuidePassage_title_idx" ON "GuidePassage" USING GIN ("title" gin_trgm_ops);

-- Added by hand (Prisma cannot express triggers; its diff ignores them): the weighted Dutch
-- search vector of a passage, title (A) > tags (B) > body (C), kept up to date on every write.
CREATE OR REPLACE FUNCTION "guide_passage_search_vector"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW."search" :=
    setweight(to_tsvector('dutch', coalesce(NEW."title", '')), 'A') ||
    setweight(to_tsvector('dutch', coalesce(array_to_string(NEW."tags", ' '), '')), 'B') ||
    setweight(to_tsvector('dutch', coalesce(NEW."body", '')), 'C');
  RETURN NEW;
END
$$;

CREATE TRIGGER "GuidePassage_search_vector"
  BEFORE INSERT OR UPDATE OF "title", "tags", "body" ON "GuidePassage"
  FOR EACH ROW EXECUTE FUNCTION "guide_passage_search_vector"();

-- Passages stored before this migration get their vector now.
UPDATE "GuidePassage" SET "title" = "title";

-- Added by hand (Prisma has no syntax for it; its diff ignores it): no GIN "pending list".
-- With fastupdate on, rows written since the last VACUUM sit in an unsorted list that every
-- search scans in full, and the planner, seeing that cost, falls back to a sequential scan.
-- The guide is written rarely (a load, an import) and searched often.
ALTER INDEX "GuidePassage_search_idx" SET (fastupdate = off);
ALTER INDEX "GuidePassage_title_idx" SET (fastupdate = off);
ALTER INDEX "GuideTerm_word_idx" SET (fastupdate = off);
