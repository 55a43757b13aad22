-- CreateTable
CREATE TABLE "FormDraft" (
    "token" TEXT NOT NULL,
    "payloadEncrypted" TEXT NOT NULL,
    "expiresAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "FormDraft_pkey" PRIMARY KEY ("token")
);

-- CreateIndex
CREATE INDEX "FormDraft_expiresAt_idx" ON "FormDraft"("expiresAt");
