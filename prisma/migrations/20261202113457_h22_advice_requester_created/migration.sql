-- DropIndex
DROP INDEX "AdviceRequest_requesterId_idx";

-- CreateIndex
CREATE INDEX "AdviceRequest_requesterId_createdAt_idx" ON "AdviceRequest"("requesterId", "createdAt");
