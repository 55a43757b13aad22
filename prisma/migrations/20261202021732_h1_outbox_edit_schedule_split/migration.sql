-- AlterEnum
ALTER TYPE "OutboxStatus" ADD VALUE 'CANCELLED';

-- AlterTable
ALTER TABLE "OutboxMessage" ADD COLUMN     "action" TEXT NOT NULL DEFAULT 'post',
ADD COLUMN     "groupKey" TEXT,
ADD COLUMN     "ofKey" TEXT,
ADD COLUMN     "ofRef" TEXT,
ADD COLUMN     "partRefs" TEXT[] DEFAULT ARRAY[]::TEXT[],
ADD COLUMN     "sendAt" TIMESTAMP(3);

-- CreateIndex
CREATE INDEX "OutboxMessage_groupKey_idx" ON "OutboxMessage"("groupKey");

-- CreateIndex
CREATE INDEX "OutboxMessage_ofKey_idx" ON "OutboxMessage"("ofKey");
