// The chat room's Lambda functions, written for AWS Lambda's Node.js runtime (handlers `handlers.connection` and
// `handlers.chat`, deployable unchanged): they reach clients through the aws-sdk's management client at
// https://{domainName}/{stage}, built from the event as AWS's samples do.
//
// Who is in which room is kept in this process's memory, which is enough for one local process; on AWS, where many
// instances of a function run, keep it in DynamoDB as AWS's chat sample does.
import {
  ApiGatewayManagementApiClient, GoneException, PostToConnectionCommand,
} from '@aws-sdk/client-apigatewaymanagementapi'

const rooms = new Map() // room -> Set of connection ids
const joined = new Map() // connection id -> room

/** $connect and $disconnect. */
export const connection = async (event) => {
  const { connectionId, eventType } = event.requestContext
  if (eventType === 'DISCONNECT') leave(connectionId)
  return { statusCode: 200 }
}

/** joinroom (two-way: the reply goes back to the client) and sendmessage (broadcast to the room). */
export const chat = async (event) => {
  const { connectionId, routeKey, domainName, stage } = event.requestContext
  const body = JSON.parse(event.body)
  if (routeKey === 'joinroom') {
    leave(connectionId)
    if (!rooms.has(body.room)) rooms.set(body.room, new Set())
    rooms.get(body.room).add(connectionId)
    joined.set(connectionId, body.room)
    return { statusCode: 200, body: JSON.stringify({ joined: body.room, members: rooms.get(body.room).size }) }
  }

  const management = new ApiGatewayManagementApiClient({ endpoint: `https://${domainName}/${stage}` })
  const room = joined.get(connectionId)
  if (room === undefined) {
    const notice = { error: 'join a room first: {"action": "joinroom", "room": "..."}' }
    await management.send(new PostToConnectionCommand({ ConnectionId: connectionId, Data: JSON.stringify(notice) }))
    return { statusCode: 400 }
  }
  const data = JSON.stringify({ room, from: connectionId, message: body.message })
  await Promise.all([...rooms.get(room)].map(async (member) => {
    try {
      await management.send(new PostToConnectionCommand({ ConnectionId: member, Data: data }))
    } catch (error) {
      if (!(error instanceof GoneException)) throw error
      leave(member)
    }
  }))
  return { statusCode: 200 }
}

function leave (connectionId) {
  const room = joined.get(connectionId)
  if (room === undefined) return
  joined.delete(connectionId)
  rooms.get(room).delete(connectionId)
  if (rooms.get(room).size === 0) rooms.delete(room)
}
