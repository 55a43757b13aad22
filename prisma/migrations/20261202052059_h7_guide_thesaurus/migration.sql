-- CreateTable
CREATE TABLE "GuideThesaurus" (
    "id" SERIAL NOT NULL,
    "lang" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "term" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "target" TEXT NOT NULL,
    "origin" TEXT NOT NULL,
    "source" TEXT NOT NULL,

    CONSTRAINT "GuideThesaurus_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "GuideThesaurus_lang_key_idx" ON "GuideThesaurus"("lang", "key");

-- CreateIndex
CREATE INDEX "GuideThesaurus_term_idx" ON "GuideThesaurus" USING GIN ("term" gin_trgm_ops);
