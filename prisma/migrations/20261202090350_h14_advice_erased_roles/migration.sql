-- AlterTable
ALTER TABLE "AdviceEvent" ADD COLUMN     "actorRole" TEXT,
ADD COLUMN     "toRole" TEXT;
