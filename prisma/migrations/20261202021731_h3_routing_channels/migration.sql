-- AlterEnum
ALTER TYPE "OutboxStatus" ADD VALUE 'UNDELIVERABLE';

-- AlterTable
ALTER TABLE "Channel" ADD COLUMN     "purposes" TEXT[] DEFAULT ARRAY[]::TEXT[],
ADD COLUMN     "removedAt" TIMESTAMP(3),
ADD COLUMN     "seenAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP;

-- AlterTable
ALTER TABLE "Member" ADD COLUMN     "lastPlatform" "Platform",
ADD COLUMN     "preferredPlatform" "Platform";

-- AlterTable
ALTER TABLE "OutboxMessage" ADD COLUMN     "memberId" TEXT;

-- CreateTable
CREATE TABLE "PlatformPresence" (
    "platform" "Platform" NOT NULL,
    "seenAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "PlatformPresence_pkey" PRIMARY KEY ("platform")
);

-- CreateIndex
CREATE INDEX "OutboxMessage_memberId_status_idx" ON "OutboxMessage"("memberId", "status");

-- AddForeignKey
ALTER TABLE "OutboxMessage" ADD CONSTRAINT "OutboxMessage_memberId_fkey" FOREIGN KEY ("memberId") REFERENCES "Member"("id") ON DELETE CASCADE ON UPDATE CASCADE;
