-- Added by hand. `stripped` (h27_guide_stripped_vector) was PLAIN: never compressed, never out
-- of line. A passage with many different words (an imported chapter of 40,000 characters)
-- has a stripped vector larger than a page, and PLAIN refuses such a row ("row is too big"),
-- so the whole guide load failed. MAIN keeps the small vectors inline and uncompressed as
-- before (the coverage step reads them directly) and lets only a large one be compressed, or
-- moved out of line as a last resort.
ALTER TABLE "GuidePassage" ALTER COLUMN "stripped" SET STORAGE MAIN;
