-- AlterTable
ALTER TABLE "GuidePassage" ADD COLUMN     "heading" tsvector,
ADD COLUMN     "searchLexemes" INTEGER NOT NULL DEFAULT 0;

-- CreateIndex
CREATE INDEX "GuidePassage_heading_idx" ON "GuidePassage" USING GIN ("heading");

-- Added by hand (Prisma cannot express triggers): the trigger now also keeps the heading
-- vector (title A, tags B) and the lexeme count of the whole vector.
CREATE OR REPLACE FUNCTION "guide_passage_search_vector"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW."heading" :=
    setweight(to_tsvector('dutch', coalesce(NEW."title", '')), 'A') ||
    setweight(to_tsvector('dutch', coalesce(array_to_string(NEW."tags", ' '), '')), 'B');
  NEW."search" := NEW."heading" || setweight(to_tsvector('dutch', coalesce(NEW."body", '')), 'C');
  NEW."searchLexemes" := length(NEW."search");
  RETURN NEW;
END
$$;

-- Passages stored before this migration get their heading and count now.
UPDATE "GuidePassage" SET "title" = "title";

-- As for the other guide indexes: no GIN pending list (the guide is written rarely).
ALTER INDEX "GuidePassage_heading_idx" SET (fastupdate = off);
