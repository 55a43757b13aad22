-- CreateTable
CREATE TABLE "AdviceRequest" (
    "id" TEXT NOT NULL,
    "number" TEXT NOT NULL,
    "requesterId" TEXT NOT NULL,
    "theme" TEXT NOT NULL,
    "urgent" BOOLEAN NOT NULL DEFAULT false,
    "status" TEXT NOT NULL,
    "questionEncrypted" TEXT NOT NULL,
    "organisationEncrypted" TEXT,
    "contact" TEXT,
    "assigneeId" TEXT,
    "assignedAt" TIMESTAMP(3),
    "offerSeq" INTEGER NOT NULL DEFAULT 0,
    "acceptedAt" TIMESTAMP(3),
    "pausedMinutes" INTEGER NOT NULL DEFAULT 0,
    "waitingSince" TIMESTAMP(3),
    "lastActivityAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "closedAt" TIMESTAMP(3),
    "summaryEncrypted" TEXT,
    "rating" INTEGER,
    "ratingCommentEncrypted" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "AdviceRequest_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AdviceSequence" (
    "year" INTEGER NOT NULL,
    "last" INTEGER NOT NULL,

    CONSTRAINT "AdviceSequence_pkey" PRIMARY KEY ("year")
);

-- CreateTable
CREATE TABLE "Adviser" (
    "memberId" TEXT NOT NULL,
    "themes" TEXT[],
    "capacity" INTEGER NOT NULL DEFAULT 5,
    "awayUntil" TIMESTAMP(3),
    "lastAssignedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Adviser_pkey" PRIMARY KEY ("memberId")
);

-- CreateTable
CREATE TABLE "AdviceEvent" (
    "id" TEXT NOT NULL,
    "seq" SERIAL NOT NULL,
    "requestId" TEXT NOT NULL,
    "actorId" TEXT,
    "action" TEXT NOT NULL,
    "toMemberId" TEXT,
    "reasonEncrypted" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "AdviceEvent_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "AdviceRequest_number_key" ON "AdviceRequest"("number");

-- CreateIndex
CREATE INDEX "AdviceRequest_status_idx" ON "AdviceRequest"("status");

-- CreateIndex
CREATE INDEX "AdviceRequest_assigneeId_status_idx" ON "AdviceRequest"("assigneeId", "status");

-- CreateIndex
CREATE INDEX "AdviceRequest_requesterId_idx" ON "AdviceRequest"("requesterId");

-- CreateIndex
CREATE INDEX "AdviceEvent_requestId_createdAt_idx" ON "AdviceEvent"("requestId", "createdAt");

-- AddForeignKey
ALTER TABLE "AdviceRequest" ADD CONSTRAINT "AdviceRequest_requesterId_fkey" FOREIGN KEY ("requesterId") REFERENCES "Member"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AdviceRequest" ADD CONSTRAINT "AdviceRequest_assigneeId_fkey" FOREIGN KEY ("assigneeId") REFERENCES "Member"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Adviser" ADD CONSTRAINT "Adviser_memberId_fkey" FOREIGN KEY ("memberId") REFERENCES "Member"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AdviceEvent" ADD CONSTRAINT "AdviceEvent_requestId_fkey" FOREIGN KEY ("requestId") REFERENCES "AdviceRequest"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AdviceEvent" ADD CONSTRAINT "AdviceEvent_actorId_fkey" FOREIGN KEY ("actorId") REFERENCES "Member"("id") ON DELETE SET NULL ON UPDATE CASCADE;
