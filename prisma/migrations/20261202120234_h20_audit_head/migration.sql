-- CreateTable
CREATE TABLE "AuditHead" (
    "id" INTEGER NOT NULL,
    "seq" INTEGER NOT NULL,
    "hash" TEXT NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "AuditHead_pkey" PRIMARY KEY ("id")
);

-- The head of a chain written before this table existed: its newest chained entry.
INSERT INTO "AuditHead" ("id", "seq", "hash", "updatedAt")
SELECT 1, "seq", "hash", CURRENT_TIMESTAMP FROM "AuditLog" WHERE "seq" IS NOT NULL AND "hash" IS NOT NULL ORDER BY "seq" DESC LIMIT 1;
