-- CreateTable
CREATE TABLE "StartupFingerprint" (
    "key" TEXT NOT NULL,
    "value" TEXT NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "StartupFingerprint_pkey" PRIMARY KEY ("key")
);
