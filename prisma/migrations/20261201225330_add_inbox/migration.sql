-- CreateEnum
CREATE TYPE "InboxStatus" AS ENUM ('RECEIVED', 'DONE', 'ANSWERED', 'FAILED');

-- CreateTable
CREATE TABLE "InboxEvent" (
    "key" TEXT NOT NULL,
    "platform" "Platform" NOT NULL,
    "status" "InboxStatus" NOT NULL DEFAULT 'RECEIVED',
    "acknowledged" BOOLEAN NOT NULL DEFAULT false,
    "requestEncrypted" TEXT,
    "replyEncrypted" TEXT,
    "leaseUntil" TIMESTAMP(3) NOT NULL,
    "receivedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finishedAt" TIMESTAMP(3),

    CONSTRAINT "InboxEvent_pkey" PRIMARY KEY ("key")
);

-- CreateIndex
CREATE INDEX "InboxEvent_status_leaseUntil_idx" ON "InboxEvent"("status", "leaseUntil");

-- CreateIndex
CREATE INDEX "InboxEvent_receivedAt_idx" ON "InboxEvent"("receivedAt");
